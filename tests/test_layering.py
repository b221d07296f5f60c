"""The layers depend one way: the code generator (``codegen/``) never imports the model API,
and the C and SIMT templates are organised alike."""
import ast
import os

import pygenn_cl.codegen as codegen

CODEGEN = os.path.dirname(codegen.__file__)
TEMPLATES = os.path.join(CODEGEN, "templates")


def _imports(path):
    tree = ast.parse(open(path).read())
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            yield ("." * node.level) + (node.module or "")


def test_codegen_imports_nothing_from_the_api():
    offenders = []
    for root, _, files in os.walk(CODEGEN):
        for name in files:
            path = os.path.join(root, name)
            if name.endswith(".py"):
                offenders += [f"{path}: {m}" for m in _imports(path) if m.split(".")[0] == "pygenn_cl"]
            elif name.endswith(".mako"):
                text = open(path).read()
                offenders += [f"{path}: imports" for line in text.splitlines()
                              if line.strip().startswith(("<%!", "import ", "from ")) and "pygenn_cl" in line]
    assert not offenders, offenders


def test_c_and_simt_templates_have_the_same_kernel_families():
    """One template per kernel family, with the same file names under c/ and simt/ (the SIMT
    folder adds one preamble per API)."""
    c = set(os.listdir(os.path.join(TEMPLATES, "c")))
    simt = {n for n in os.listdir(os.path.join(TEMPLATES, "simt")) if not n.startswith("preamble_")}
    assert c == simt
    assert {"model.mako", "neuron_update.mako", "synapse_update.mako", "init.mako", "custom_update.mako"} <= c


def test_description_is_frozen_hashable_and_has_a_stable_digest():
    """build() hands the generator a plain-data description: equal models give equal
    descriptions and digests, and a changed parameter changes the digest."""
    import subprocess
    import sys
    from pygenn_cl import GeNNModel
    from pygenn_cl.describe import describe_model

    def model(tau):
        m = GeNNModel("float", "desc", backend="single_threaded_cpu")
        pop = m.add_neuron_population("p", 10, "LIF", {"C": 1.0, "TauM": tau, "Vrest": -70.0, "Vreset": -70.0,
                                                      "Vthresh": -55.0, "Ioffset": 0.0, "TauRefrac": 2.0},
                                      {"V": -70.0, "RefracTime": 0.0})
        m.add_current_source("cs", "DC", pop, {"amp": 0.5})
        return describe_model(m)

    a, b, c = model(20.0), model(20.0), model(10.0)
    assert a == b and hash(a) == hash(b) and a.digest() == b.digest()
    assert a.digest() != c.digest()
    code = ("import sys; sys.path.insert(0, %r); import test_layering as t; "
            "print(t._digest())" % os.path.dirname(__file__))
    other_process = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert other_process.stdout.strip() == _digest()


def _digest():
    from pygenn_cl import GeNNModel
    from pygenn_cl.describe import describe_model
    m = GeNNModel("double", "digest", backend="single_threaded_cpu")
    pop = m.add_neuron_population("p", 3, "Izhikevich", {"a": 0.02, "b": 0.2, "c": -65.0, "d": 8.0},
                                  {"V": -65.0, "U": -13.0})
    for name in ("a", "b", "c", "d"):  # several dynamic parameters: their order must not depend on hashing
        pop.set_param_dynamic(name)
    return describe_model(m).digest()


def _runs(text, n):
    lines = [line.strip() for line in text.splitlines()]
    return {tuple(lines[i:i + n]) for i in range(len(lines) - n + 1)
            if sum(len(line) > 3 and not line.startswith("%") for line in lines[i:i + n]) >= 3}


def test_no_block_of_six_lines_is_in_both_the_c_and_the_simt_templates():
    """Blocks that C and SIMT share live once, in common/."""
    def folder_runs(folder):
        runs = {}
        for name in sorted(os.listdir(os.path.join(TEMPLATES, folder))):
            for run in _runs(open(os.path.join(TEMPLATES, folder, name)).read(), 6):
                runs.setdefault(run, f"{folder}/{name}")
        return runs
    c, simt = folder_runs("c"), folder_runs("simt")
    shared = [(c[run], simt[run], "\n".join(run)) for run in set(c) & set(simt)]
    assert not shared, shared[:3]

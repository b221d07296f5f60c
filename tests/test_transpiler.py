"""Tests of the GeNNCode transpiler (codegen.transpiler)."""
import random
import re
import shutil
import subprocess

import pytest

from conftest import missing_backends
from pygenn_cl import types

try:  # installed layout
    from pygenn_cl.codegen import transpiler
    from pygenn_cl.codegen.transpiler.builtins import BUILTINS
except ImportError:  # source layout (PYTHONPATH=repository root)
    from codegen import transpiler
    from codegen.transpiler.builtins import BUILTINS

C_DIALECT, CUDA_DIALECT, OPENCL_DIALECT = (transpiler.C_DIALECT, transpiler.CUDA_DIALECT,
                                           transpiler.OPENCL_DIALECT)
CodeError, Environment, ErrorContext = (transpiler.CodeError, transpiler.Environment,
                                        transpiler.ErrorContext)
FunctionSpec = transpiler.FunctionSpec
translate_expression = transpiler.translate_expression
translate_statements = transpiler.translate_statements

CTX = ErrorContext("neuron model 'LIF' of population 'Exc'", "sim_code")

ENV_VARS = {  # name: (type, read_only)
    "V": (types.Float, False), "U": (types.Float, False), "RefracTime": (types.Float, False),
    "Isyn": (types.Float, True), "Vthresh": (types.Float, True), "Vrest": (types.Float, True),
    "tau": (types.Float, True), "dt": (types.Float, True), "t": (types.Float, True),
    "a": (types.Float, True), "b": (types.Float, True), "c": (types.Float, True),
    "d": (types.Float, True), "id": (types.Uint32, True), "count": (types.Int32, False),
    "big": (types.Uint64, False), "small": (types.Int8, False),
}


def make_env(scalar=types.Float, printed=None):
    """Environment with the variables above (of type ``scalar`` where Float)."""
    env = Environment()
    for name, (t, ro) in ENV_VARS.items():
        t = scalar if t == types.Float else t
        env.add_variable(name, t, read_only=ro,
                         printed=None if printed is None else printed.format(name))
    env.add_variable("weights", types.PointerType(scalar), read_only=False)
    env.add_variable("table", types.PointerType(types.Uint32))
    env.add_function("addToPost", FunctionSpec([scalar], None,
                                               lambda args: f"add_to_post({args[0][0]})"))
    env.add_function("gennrand_uniform", FunctionSpec([], scalar,
                                                      lambda args: "genn_rand()"))
    env.add_function("addSynapse", FunctionSpec(None, None,
                                                lambda args: "add_syn(" + ", ".join(
                                                    a for a, _ in args) + ")"))
    return env


def tr(code, scalar=types.Float, dialect=C_DIALECT, env=None):
    return translate_statements(code, env or make_env(scalar), scalar=scalar,
                                dialect=dialect, context=CTX)


def ex(code, scalar=types.Float, dialect=C_DIALECT, env=None):
    return translate_expression(code, env or make_env(scalar), scalar=scalar,
                                dialect=dialect, context=CTX)


def error_of(code, scalar=types.Float, expression=False):
    with pytest.raises(CodeError) as info:
        (ex if expression else tr)(code, scalar)
    return info.value


LIF = """
if (RefracTime <= 0.0) {
    scalar alpha = ((Isyn * 20.0) + Vrest);
    V = alpha - (exp(-dt / tau) * (alpha - V));
}
else {
    RefracTime -= dt;
}
"""

IZHIKEVICH = """
if (V >= 30.0) {
    V = c;
    U += d;
}
V += 0.5 * (0.04 * V * V + 5.0 * V + 140.0 - U + Isyn) * dt;
V += 0.5 * (0.04 * V * V + 5.0 * V + 140.0 - U + Isyn) * dt;
U += a * (b * V - U) * dt;
"""

SUBSTEPS = """
const scalar h = dt / 25.0;
for (int i = 0; i < 25; i++) {
    V += h * ((Vrest - V) / tau + Isyn);
    count++;
}
"""


# ------------------------------------------------------------ valid code
def test_lif_translates():
    out = tr(LIF)
    assert "scalar" not in out.text
    assert "float u_alpha = (Isyn * 20.0f) + Vrest;" in out.text
    assert "expf(-dt / tau)" in out.text
    assert out.referenced == {"RefracTime", "Isyn", "Vrest", "V", "dt", "tau"}
    assert out.assigned == {"V", "RefracTime"}
    assert out.type is None


def test_izhikevich_double():
    out = tr(IZHIKEVICH, scalar=types.Double)
    assert "0.04 * V * V" in out.text and "0.04f" not in out.text
    assert out.assigned == {"V", "U"}


def test_substep_loop_and_locals_renamed():
    out = tr(SUBSTEPS)
    assert "const float u_h = dt / 25.0f;" in out.text
    assert "for (int32_t u_i = 0; u_i < 25; u_i++) {" in out.text
    assert out.assigned == {"V", "count"}


def test_if_else_chain_ternary_cast_compound():
    out = tr("if (V > 1.0) V = 1.0; else if (V < -1.0) { V = -1.0; } else V *= 2.0;\n"
             "count += (int)(V + 0.5) > 0 ? 1 : -1;\n"
             "count <<= 2; count %= 7; count |= 1;\n"
             "small = (unsigned char)(count + 1);\n")
    assert "else if (V < -1.0f) {" in out.text
    assert "(int32_t)(V + 0.5f)" in out.text
    assert "(uint8_t)(count + 1)" in out.text
    assert "count <<= 2;" in out.text


def test_printf_and_env_functions():
    out = tr('printf("%f\\n", V);\naddToPost(count);\naddSynapse(id, 2.0);\n'
             'V = gennrand_uniform();')
    assert 'printf("%f\\n", V);' in out.text
    assert "add_to_post((float)(count));" in out.text
    assert "add_syn(id, 2.0f);" in out.text
    assert "V = genn_rand();" in out.text
    assert {"addToPost", "addSynapse", "gennrand_uniform"} <= out.referenced


@pytest.mark.parametrize("code, always", [
    ("V = gennrand_uniform();", True),
    ("const scalar u = gennrand_uniform(); V += u;", True),
    ("{ V = gennrand_uniform(); }", True),
    ("if (gennrand_uniform() < 0.5) { V = 0.0; }", True),          # the condition always runs
    ("if (V <= 0.0) { V += gennrand_uniform(); }", False),
    ("if (V <= 0.0) { V = 1.0; } else { V = gennrand_uniform(); }", False),
    ("while (V < 1.0) { V += gennrand_uniform(); }", False),
    ("for (int i = 0; i < count; i++) { V += gennrand_uniform(); }", False),
    ("do { V += gennrand_uniform(); } while (V < 1.0);", False),
    ("switch (count) { case 1: V = gennrand_uniform(); break; }", False),
    ("V = (V > 0.0) ? gennrand_uniform() : 0.0;", False),
    ("V = (V > 0.0 && gennrand_uniform() < 0.5) ? 1.0 : 0.0;", False),
    ("V = (gennrand_uniform() < 0.5 || V > 0.0) ? 1.0 : 0.0;", True),
])
def test_functions_called_on_every_run(code, always):
    """``always_called``: environment functions every run of the code calls (outside branches,
    loop bodies and conditionally evaluated operands); the generator prefetches random numbers
    only for those."""
    out = tr(code)
    assert "gennrand_uniform" in out.referenced
    assert ("gennrand_uniform" in out.always_called) == always
    cond = ex("V > 0.0 && gennrand_uniform() < 0.5")
    assert "gennrand_uniform" in cond.referenced and not cond.always_called


def test_switch_do_while_break_continue():
    out = tr("switch (count) { case 1: V = 0.0; break; case -2: default: V = 1.0; }\n"
             "do { count--; if (count == 3) continue; } while (count > 0);\n"
             "while (1) { break; }\n;")
    assert "case 1:" in out.text and "default:" in out.text and "case -2:" in out.text
    assert "} while (count > 0);" in out.text


def test_for_step_list_and_declaration_lists():
    out = tr("int j = 0, k;\nfor (k = 0; k < 3; k++, j++) { V += j; }")
    assert "int32_t u_j = 0, u_k;" in out.text
    assert "for (u_k = 0; u_k < 3; u_k++, u_j++) {" in out.text


def test_type_names():
    out = tr("const unsigned int n = 3; long l = 1; unsigned long long q = 2;"
             " short s = 1; signed char ch = 1; size_t z = 4; uint16_t w = 5; bool f = true;"
             "double x = 1; V = n + l + q + s + ch + z + w + f + x;")
    for decl in ("const uint32_t u_n", "int64_t u_l", "uint64_t u_q", "int16_t u_s",
                 "int8_t u_ch", "uint64_t u_z", "uint16_t u_w", "bool u_f = true",
                 "double u_x"):
        assert decl in out.text


def test_subscript_env_pointer():
    out = tr("weights[id] += table[2] * 0.5;")
    assert "weights[id] += table[2] * 0.5f;" in out.text
    assert out.assigned == {"weights"}
    assert out.referenced == {"weights", "id", "table"}


def test_precedence_preserved():
    assert ex("(V + 1.0) * 2.0").text == "(V + 1.0f) * 2.0f"
    assert ex("V - (U - 1.0)").text == "V - (U - 1.0f)"
    assert ex("V - U - 1.0").text == "V - U - 1.0f"
    assert ex("-(-V)").text == "-(-V)"
    assert ex("!(V > 1.0 || V < 0.0) && count").text == "!((V > 1.0f) || (V < 0.0f)) && count"
    assert ex("V > 0.0 ? V : -V ? 1.0 : 2.0").text == "V > 0.0f ? V : (-V ? 1.0f : 2.0f)"


def test_expression_with_semicolon():
    out = ex("V >= Vthresh;")
    assert out.text == "V >= Vthresh"
    assert out.type == types.Bool
    assert out.referenced == {"V", "Vthresh"}
    assert out.assigned == set()


def test_printed_environment_names():
    env = make_env(printed="group->{}[id]")
    out = ex("V + Isyn", env=env)
    assert out.text == "group->V[id] + group->Isyn[id]"
    env = Environment()
    env.add_variable("p", types.Float, printed="-0.5f")
    assert ex("2.0 - p", env=env).text == "2.0f - (-0.5f)"


# ------------------------------------------------------------ literal types
@pytest.mark.parametrize("code, scalar, expected, text", [
    ("1.0", types.Float, types.Float, "1.0f"),
    ("1.0", types.Double, types.Double, "1.0"),
    ("1.5f", types.Double, types.Float, "1.5f"),
    ("1.5d", types.Float, types.Double, "1.5"),
    ("1.0f + 1.0d", types.Float, types.Double, "1.0f + 1.0"),
    ("1e-3", types.Float, types.Float, "0.001f"),
    (".5", types.Double, types.Double, "0.5"),
    ("5.", types.Double, types.Double, "5.0"),
    ("1", types.Float, types.Int32, "1"),
    ("1u", types.Float, types.Uint32, "1u"),
    ("1l", types.Float, types.Int64, "1ll"),
    ("1ul", types.Float, types.Uint64, "1ull"),
    ("1ULL", types.Float, types.Uint64, "1ull"),
    ("0xFFFFFFFF", types.Float, types.Uint32, "4294967295u"),
    ("3000000000", types.Float, types.Int64, "3000000000ll"),
    ("010", types.Float, types.Int32, "8"),
    ("true", types.Float, types.Bool, "true"),
    ("2 * 3u", types.Float, types.Uint32, "2 * 3u"),
    ("(char)1 + (short)2", types.Float, types.Int32, "(int8_t)1 + (int16_t)2"),
    ("1u + 1", types.Float, types.Uint32, "1u + 1"),
    ("1u + 1l", types.Float, types.Int64, "1u + 1ll"),
    ("1ul + 1l", types.Float, types.Uint64, "1ull + 1ll"),
    ("1 + 1.0f", types.Double, types.Float, "1 + 1.0f"),
    ("1 < 2", types.Float, types.Bool, "1 < 2"),
    ("-(char)1", types.Float, types.Int32, "-((int8_t)1)"),
    ("1 << 2ul", types.Float, types.Int32, "1 << 2ull"),
])
def test_literal_and_arithmetic_types(code, scalar, expected, text):
    out = ex(code, scalar)
    assert out.type == expected
    assert out.text == text


def test_opencl_literal_suffixes():
    assert ex("1l + 2ul", dialect=OPENCL_DIALECT).text == "1l + 2ul"


def test_float_literals_round_trip():
    out = ex("0.1 + 123456789.123456789 + 1e30", types.Double)
    assert out.text == "0.1 + 123456789.12345679 + 1e+30"


# ------------------------------------------------------------ maths
def test_maths_overloads_per_dialect():
    assert ex("exp(V)").text == "expf(V)"
    assert ex("exp(V)", dialect=OPENCL_DIALECT).text == "exp(V)"
    assert ex("exp(V)", dialect=CUDA_DIALECT).text == "expf(V)"
    assert ex("exp(V)", types.Double).text == "exp(V)"
    assert ex("sin(30.0f)", types.Double).text == "sinf(30.0f)"
    assert ex("sin(30.0f)", types.Double).type == types.Float
    assert ex("pow(V, 2.0d)").text == "pow((double)(V), 2.0)"
    assert ex("sqrt(2)").text == "sqrtf((float)(2))"
    assert ex("sqrt(2)", types.Double).text == "sqrt((double)(2))"
    assert ex("lgamma(V)").text == "lgammaf(V)"
    assert ex("ilogb(V)").type == types.Int32
    assert ex("ilogb(V)").text == "ilogbf(V)"
    assert ex("ldexp(V, 3)").text == "ldexpf(V, 3)"
    assert ex("scalbn(V, 3u)", dialect=OPENCL_DIALECT).text == "ldexp(V, (int32_t)(3u))"
    assert ex("fma(V, U, 1.0)").text == "fmaf(V, U, 1.0f)"


def test_min_max_abs():
    out = ex("min(count, 3)")
    assert (out.text, out.type) == ("genn_min_i32(count, 3)", types.Int32)
    out = ex("max(id, count)")
    assert (out.text, out.type) == ("genn_max_u32(id, (uint32_t)(count))", types.Uint32)
    out = ex("abs(big)")
    assert (out.text, out.type) == ("genn_abs_u64(big)", types.Uint64)
    assert ex("abs(small)").text == "genn_abs_i32((int32_t)(small))"
    assert ex("max(3l, 4)").text == "genn_max_i64(3ll, (int64_t)(4))"
    assert ex("min(V, 1)").text == "genn_fminf(V, (float)(1))"
    assert ex("abs(V)", types.Double).text == "fabs(V)"
    assert ex("max(V, 1.0)", dialect=OPENCL_DIALECT).text == "fmax(V, 1.0f)"


def test_preamble_defines_helpers():
    for dialect in (C_DIALECT, OPENCL_DIALECT, CUDA_DIALECT):
        text = dialect.preamble()
        for op in ("min", "max", "abs"):
            for suffix in ("i32", "u32", "i64", "u64"):
                assert f"genn_{op}_{suffix}(" in text
    assert "static __device__ __forceinline__" in CUDA_DIALECT.preamble()
    assert "static inline" in C_DIALECT.preamble()


# ------------------------------------------------------------ errors
def test_error_message_format():
    err = error_of("\n    V = Vx + 1.0;")
    assert str(err) == (
        "neuron model 'LIF' of population 'Exc', sim_code, line 2, column 9: "
        "unknown name 'Vx'; did you mean 'V'?\n"
        "    V = Vx + 1.0;\n"
        "        ^")
    assert (err.line, err.column) == (2, 9)
    assert err.message == "unknown name 'Vx'; did you mean 'V'?"
    assert err.context == CTX


def test_unknown_name_caret_unindented():
    err = error_of("V = 1.0;\nU = foo * 2.0;")
    assert (err.line, err.column) == (2, 5)
    assert str(err).endswith("    U = foo * 2.0;\n        ^")
    assert "did you mean" not in err.message


def test_read_only_and_const_assignment():
    assert error_of("Isyn = 1.0;").message == "'Isyn' is read-only"
    assert error_of("V = 1.0;\n t += 1.0;").message == "'t' is read-only"
    assert error_of("id++;").message == "'id' is read-only"
    assert error_of("table[0] = 1;").message == "'table' is read-only"
    assert "const" in error_of("const int n = 2; n = 3;").message
    assert "not assignable" in error_of("V + 1.0 = 2.0;").message


def test_type_errors():
    err = error_of("V = 1.5 % 2;")
    assert err.message == "operator '%' needs integer operands, got 'float'; use fmod()"
    assert err.column == 5
    assert "needs integer operands" in error_of("count = count & V;").message
    assert "needs integer operands" in error_of("V %= 2;").message
    assert "needs integer operands" in error_of("count = ~V;").message
    assert "not an array" in error_of("V = V[0];").message
    assert "array names" in error_of("V = weights;").message
    assert "index must be an integer" in error_of("V = weights[V];").message
    assert "void" in error_of("V = addToPost(1.0);").message
    assert "takes 1 argument" in error_of("V = exp(V, V);").message
    assert "takes 1 argument" in error_of("addToPost();").message
    assert "did you mean 'exp'" in error_of("V = expp(V);").message
    assert "unknown function 'foo'" in error_of("foo(1);").message
    assert "is a function" in error_of("V = exp;").message
    assert "shadows the function" in error_of("scalar addToPost = 1.0;").message
    assert "already declared" in error_of("int x = 1; int x = 2;").message
    assert "built-in" in error_of("scalar exp = 1.0;").message
    assert "printf" in error_of('V = "hello";').message
    assert "format string" in error_of("printf(V);").message
    assert "outside" in error_of("break;").message
    assert "outside" in error_of("if (V) continue;").message
    assert "outside" in error_of("case 1: V = 0.0;").message
    assert "integer constant" in error_of("switch (count) { case count: break; }").message
    assert "switch value" in error_of("switch (V) { default: break; }").message
    assert "invalid type" in error_of("unsigned float x = 1;").message
    assert "too large" in error_of("count = 99999999999999999999;").message
    assert "too large" in error_of("V = 1e39f;").message


def test_scoping():
    tr("{ int x = 1; V += x; } { int x = 2; V += x; }")
    err = error_of("{ int x = 1; } V = x;")
    assert err.message == "unknown name 'x'"
    err = error_of("for (int i = 0; i < 2; i++) {} V = i;")
    assert err.message.startswith("unknown name 'i'")


@pytest.mark.parametrize("code, line, column, message", [
    ("V = 1.0\nU = 2.0;", 1, 8, "expected ';' after expression"),
    ("V = (1.0 + 2.0;", 1, 15, "expected ')' to close '(', got ';'"),
    ("V = 1.0 + );", 1, 11, "unexpected token ')'"),
    ("V = 1.0; /* oops", 1, 10, "unterminated comment"),
    ("V = 1.0 @ 2;", 1, 9, "unexpected character '@'"),
    ("if V > 1.0) V = 0;", 1, 4, "expected '(' after 'if', got 'V'"),
    ("{ V = 1.0;", 1, 11, "missing '}' to close '{' at line 1, column 1"),
    ("int *p;", 1, 5, "pointers cannot be declared in GeNNCode"),
    ("V = &V;", 1, 5, "unary '&' (pointers) is not supported in GeNNCode"),
    ("return V;", 1, 1, "'return' is not supported in GeNNCode"),
    ("V = 1.0;\n\n  else V = 2.0;", 3, 3, "'else' without a matching 'if'"),
    ('printf("abc);', 1, 8, "unterminated string literal"),
    ("V = 1.5q;", 1, 5, "invalid suffix 'q' on floating literal"),
    ("V = 0x;", 1, 5, "hexadecimal literal needs digits"),
])
def test_syntax_errors(code, line, column, message):
    err = error_of(code)
    assert (err.line, err.column, err.message) == (line, column, message)


def test_expression_errors():
    assert error_of("", expression=True).message == "expected an expression"
    assert error_of("V > 1.0; U", expression=True).message == "unexpected token 'U'"


def test_fuzz_only_code_errors():
    rng = random.Random(1234)
    alphabet = list("VUab01259.eEfFuUlLx+-*/%=<>!&|^~?:;,(){}[]\"' \n\t_#@$\\")
    words = ["if", "else", "for", "while", "do", "switch", "case", "default", "int",
             "scalar", "const", "unsigned", "V", "U", "Isyn", "weights", "exp", "min",
             "printf", "break", "continue", "(", ")", "{", "}", ";", "=", "+=", "?", ":",
             "1.0", "2", "0x1F", "1e-3", "[", "]", ",", "++", "--", "addToPost", "/*",
             "\"%f\"", "true", "(float)", "id", "table"]
    env = make_env()
    for i in range(3000):
        if i % 2:
            code = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        else:
            code = " ".join(rng.choice(words) for _ in range(rng.randint(0, 25)))
        for translate in (translate_statements, translate_expression):
            try:
                translate(code, env, scalar=types.Float, dialect=C_DIALECT, context=CTX)
            except CodeError as err:
                assert str(err).startswith(CTX.description)


def test_deep_nesting_is_code_error():
    with pytest.raises(CodeError):
        tr("V = " + "(" * 5000 + "1" + ")" * 5000 + ";")


# ------------------------------------------------------------ compiling the output
C_SNIPPETS = [LIF, IZHIKEVICH, SUBSTEPS, """
int j = 0, k;
for (k = 0; k < 3; k++, j++) { V += j; }
switch (count % 3) { case 0: V += 1.0; break; case 1: { int q = 2; V += q; } break;
                     default: V -= 1.0; }
do { count--; if (count == 3) continue; } while (count > 0);
count += (int)(V + 0.5) > 0 ? 1 : -1;
count <<= 2; count %= 7; count |= 1; count ^= 2; count >>= 1;
small = (unsigned char)(count + 1);
big = max(big, 3ul) + min(4ull, big) + abs(-5l) + abs(big);
count = min(count, 3) + max(count, -1) + abs(count) + min(id, 2u);
V = min(V, 1.0) + max(V, 2.0) + abs(V) + (V > Vthresh && count != 0 || !(V < 0.0));
V += ldexp(V, 2) + scalbn(V, 1) + ilogb(V + 1.0);
weights[id] += weights[0] * 0.5;
printf("%f %d\\n", V, count);
addToPost(V);
""", "V = " + " + ".join(
    f"{name}({', '.join(['fabs(V) + 0.5'] * arity)})"
    for name, (arity, kind) in sorted(BUILTINS.items()) if kind in ("float", "ilogb")) + ";"]


def _c_function(index, code, scalar, dialect=C_DIALECT):
    body = tr(code, scalar, dialect).text
    t = scalar.name
    decls = "\n".join(
        f"    {(scalar if ty == types.Float else ty).name} {name} = "
        f"({(scalar if ty == types.Float else ty).name})1;"
        for name, (ty, _) in ENV_VARS.items())
    uses = "\n".join(f"    (void){name};" for name in ENV_VARS)
    return (f"static void add_to_post(double x) {{ (void)x; }}\n" if index == 0 else "") + f"""
void snippet_{index}({t} *weights, const uint32_t *table)
{{
{decls}
    (void)table;
    {{
{body}
    }}
{uses}
}}
"""


@pytest.fixture
def gcc(tmp_path):
    if shutil.which("gcc") is None:
        pytest.skip("gcc not available")
    return tmp_path


@pytest.mark.parametrize("scalar", [types.Float, types.Double])
def test_c_output_compiles(gcc, scalar):
    source = C_DIALECT.preamble() + "".join(
        _c_function(i, code, scalar) for i, code in enumerate(C_SNIPPETS))
    (gcc / "snippets.c").write_text(source)
    result = subprocess.run(["gcc", "-std=c99", "-Wall", "-Werror", "-c", "snippets.c"],
                            cwd=gcc, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr + "\n" + source


def test_cuda_output_compiles_as_cxx(gcc):
    """CUDA dialect output is valid C++ (CUDA qualifiers defined away)."""
    if shutil.which("g++") is None:
        pytest.skip("g++ not available")
    source = ("#include <cstdint>\n#include <cmath>\n#include <cstdio>\n"
              "#define __device__\n#define __forceinline__ inline\n#define __noinline__\n"
              # the run-time checks' error report (CUDA's atomicCAS, sequentially)
              "static inline unsigned int atomicCAS(unsigned int* a, unsigned int c, unsigned int v) "
              "{ const unsigned int old = *a; if (old == c) { *a = v; } return old; }\n"
              + CUDA_DIALECT.preamble() + "".join(
                  _c_function(i, code, types.Float, CUDA_DIALECT)
                  for i, code in enumerate(C_SNIPPETS)))
    (gcc / "snippets.cpp").write_text(source)
    result = subprocess.run(["g++", "-std=c++11", "-Wall", "-Werror", "-c", "snippets.cpp"],
                            cwd=gcc, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr + "\n" + source


def test_c_output_runs_substeps(gcc):
    body = tr(SUBSTEPS + "V = V + floor(min(V, 0.0)) * 0.0 + min(count, 100) - 25;",
              types.Double).text
    program = C_DIALECT.preamble() + f"""
int main(void)
{{
    double V = -60.0;
    const double Vrest = -65.0, tau = 20.0, Isyn = 1.5, dt = 0.1;
    int32_t count = 0;
{body}
    printf("%.17g\\n", V);
    return 0;
}}
"""
    (gcc / "run.c").write_text(program)
    result = subprocess.run(["gcc", "-std=c99", "-Wall", "-Werror", "run.c", "-o", "run",
                             "-lm"], cwd=gcc, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    out = subprocess.run([str(gcc / "run")], capture_output=True, text=True, check=True)
    V, Vrest, tau, Isyn, dt = -60.0, -65.0, 20.0, 1.5, 0.1
    h = dt / 25.0
    for _ in range(25):
        V += h * ((Vrest - V) / tau + Isyn)
    assert float(out.stdout) == pytest.approx(V, rel=1e-14)


def test_opencl_output_builds():
    if missing_backends("opencl"):
        pytest.skip(missing_backends("opencl"))
    cl = pytest.importorskip("pyopencl")
    try:
        platforms = cl.get_platforms()
    except Exception:  # pragma: no cover - no ICD
        pytest.skip("no OpenCL platform")
    devices = [d for p in platforms for d in p.get_devices()]
    if not devices:
        pytest.skip("no OpenCL device")
    ctx = cl.Context(devices[:1])
    snippets = [tr(code, dialect=OPENCL_DIALECT).text for code in C_SNIPPETS]
    decls = "\n".join(
        f"    {ty.name} {name} = ({ty.name})1;" for name, (ty, _) in ENV_VARS.items())
    source = OPENCL_DIALECT.preamble() + """
void add_to_post(float x) { (void)x; }
__kernel void test(__global float *weights, __global const uint32_t *table,
                   __global float *out)
{
""" + decls + "\n" + "\n".join("    {\n" + s + "    }" for s in snippets) + """
    out[get_global_id(0)] = V + U + RefracTime + count + big + small + table[0];
}
"""
    cl.Program(ctx, source).build()
    # Kernel also runs and computes the 25-substep loop in float.
    body = tr(SUBSTEPS, dialect=OPENCL_DIALECT).text
    source = OPENCL_DIALECT.preamble() + """
__kernel void run(__global float *out)
{
    float V = -60.0f;
    const float Vrest = -65.0f, tau = 20.0f, Isyn = 1.5f, dt = 0.1f;
    int32_t count = 0;
""" + body + """
    out[0] = V;
}
"""
    import numpy as np
    prog = cl.Program(ctx, source).build()
    queue = cl.CommandQueue(ctx)
    buf = cl.Buffer(ctx, cl.mem_flags.WRITE_ONLY, 4)
    prog.run(queue, (1,), None, buf)
    res = np.zeros(1, np.float32)
    cl.enqueue_copy(queue, res, buf)
    V = -60.0
    for _ in range(25):
        V += 0.1 / 25.0 * ((-65.0 - V) / 20.0 + 1.5)
    assert res[0] == pytest.approx(V, rel=1e-5)


# ------------------------------------------------------------ differential test
def _random_expr(rng, depth):
    if depth == 0 or rng.random() < 0.2:
        return rng.choice(["a0", "a1", "i0", "i1", "b0", "3", "7u", "2l", "true", "5ul"])
    kind = rng.random()
    if kind < 0.15:
        return rng.choice(["-", "!", "~", "+"]) + " " + _random_expr(rng, depth - 1)
    if kind < 0.25:
        return "(" + _random_expr(rng, depth - 1) + ")"
    if kind < 0.32:
        return (f"{_random_expr(rng, depth - 1)} ? {_random_expr(rng, depth - 1)} : "
                f"{_random_expr(rng, depth - 1)}")
    if kind < 0.38:
        return f"(int){_random_expr(rng, depth - 1)}"
    op = rng.choice(["+", "-", "*", "&", "|", "^", "==", "!=", "<", ">=", "&&", "||"])
    return f"{_random_expr(rng, depth - 1)} {op} {_random_expr(rng, depth - 1)}"


def test_differential_precedence_against_gcc(gcc):
    """Random integer expressions: gcc evaluating the source == gcc evaluating our output."""
    rng = random.Random(42)
    env = Environment()
    for name, t in (("a0", types.Uint32), ("a1", types.Uint32), ("i0", types.Int32),
                    ("i1", types.Int32), ("b0", types.Bool)):
        env.add_variable(name, t)
    originals, translated = [], []
    while len(originals) < 300:
        code = _random_expr(rng, 4)
        translated.append(translate_expression(code, env, scalar=types.Float,
                                               dialect=C_DIALECT, context=CTX).text)
        originals.append(code)
    decls = ("const uint32_t a0 = 5u, a1 = 9u; const int32_t i0 = -3, i1 = 4; "
             "const bool b0 = true;")

    def body(exprs):
        return "\n".join(f'    printf("%llu\\n", (unsigned long long)({e}));' for e in exprs)
    program = C_DIALECT.preamble() + f"""
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wparentheses"
#pragma GCC diagnostic ignored "-Wlogical-not-parentheses"
#pragma GCC diagnostic ignored "-Wbool-operation"
#pragma GCC diagnostic ignored "-Wint-in-bool-context"
#pragma GCC diagnostic ignored "-Wbool-compare"
#pragma GCC diagnostic ignored "-Wtautological-compare"
static void originals(void) {{ {decls}
{body(originals)}
}}
#pragma GCC diagnostic pop
#pragma GCC diagnostic ignored "-Wbool-operation"
#pragma GCC diagnostic ignored "-Wint-in-bool-context"
#pragma GCC diagnostic ignored "-Wbool-compare"
#pragma GCC diagnostic ignored "-Wtautological-compare"
static void translated(void) {{ {decls}
{body(translated)}
}}
int main(void) {{ originals(); translated(); return 0; }}
"""
    (gcc / "diff.c").write_text(program)
    result = subprocess.run(["gcc", "-std=c99", "-Wall", "-Werror", "diff.c", "-o", "diff"],
                            cwd=gcc, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    out = subprocess.run([str(gcc / "diff")], capture_output=True, text=True,
                         check=True).stdout.split()
    n = len(originals)
    for code, text, want, got in zip(originals, translated, out[:n], out[n:]):
        assert want == got, (code, text)


def test_local_may_shadow_model_variable():
    """PyGeNN models declare e.g. ``const scalar dt = t - st_post;``: the local wins in its scope."""
    env = Environment()
    env.add_variable("dt", types.Float, printed="0.1f")
    env.add_variable("t", types.Float, printed="t")
    env.add_variable("V", types.Float, read_only=False, printed="_lV")
    result = translate_statements("{ const scalar dt = t - 1.0; V = dt; }\nV += dt;", env,
                                  scalar=types.Float, dialect=C_DIALECT, context=ErrorContext("m", "s"))
    assert "u_dt = t - 1.0f" in result.text and "_lV = u_dt" in result.text
    assert "_lV += (0.1f)" in result.text


def test_unroll_hints_mark_only_short_loops_with_known_bounds():
    """A loop between two bounds known at generation time (literals, or parameters that merging
    makes literals) at most 32 apart gets GENN_UNROLL_HINT; one whose bound differs between the
    merged groups does not."""
    from pygenn_cl.codegen.generator.context import unroll_marker
    from pygenn_cl.codegen.ir import CustomUpdateCode, GroupCode, merge

    def code_for(group, terms):
        code = GroupCode(group)
        env = Environment()
        env.add_variable("K", types.Uint32, printed=code.value("p_K", terms, types.Uint32))
        env.add_variable("x", types.Float, read_only=False, printed="_lx")
        text = translate_statements(
            "for (int i = 0; i < 32; i++) { x += 1.0f; }\n"
            "for (int i = 0; i < 33; i++) { x += 1.0f; }\n"
            "for (unsigned int k = 1; k <= K; k++) { x += 1.0f; }\n"
            "while (x < 3.0f) { x += 1.0f; }\n", env, scalar=types.Float, dialect=C_DIALECT,
            context=ErrorContext("m", "s"), loop_hint=unroll_marker).text
        code.kernel = CustomUpdateCode(body=text)
        return code

    def loops(merged):
        return [line for line in merged.code.body.splitlines() if "for (" in line or "while (" in line]

    same, = merge("k", [code_for("a", 8), code_for("b", 8)], 0)
    assert [line.startswith("GENN_UNROLL_HINT for") for line in loops(same)] == [True, False, True, False]
    differ, = merge("k", [code_for("a", 8), code_for("b", 9)], 0)
    assert [line.startswith("GENN_UNROLL_HINT for") for line in loops(differ)] == [True, False, False, False]
    assert "grp->p_K" in loops(differ)[2]
    assert OPENCL_DIALECT.unroll_hint and not C_DIALECT.unroll_hint


def test_delayed_reads_and_synapse_loops():
    """``name[d]`` of a variable with a delay printer reads an earlier value (an integer delay,
    never assigned); ``for_each_synapse { ... }`` loops with the names the environment gives
    its body, once, and only where the environment provides it."""
    env = make_env()
    env.add_variable("s", types.Float, printed="_a_s[_off + id]", delay_printer=lambda d: f"_a_s[slot({d}) + id]")
    body = Environment(env)
    body.add_variable("id_post", types.Uint32)
    body.add_function("remove_synapse", FunctionSpec([], None, lambda args: "_rm(), _j--"))
    env.add_block("for_each_synapse", transpiler.BlockSpec(
        body, "for (uint32_t _j = 0u; _j < _n; _j++) {\n    const uint32_t id_post = _ind[_j];"))
    text = tr("V = s[count] + s; for_each_synapse { if (id_post == 2u) { remove_synapse(); continue; } }",
              env=env).text
    assert "u_" not in text and "V = _a_s[slot(count) + id] + _a_s[_off + id];" in text
    assert [line.strip() for line in text.splitlines()[1:4]] == [
        "for (uint32_t _j = 0u; _j < _n; _j++) {", "const uint32_t id_post = _ind[_j];", "if (id_post == 2u) {"]
    assert "(_rm(), _j--);" in text
    errors = {"s[1] = 2.0f;": "'s[...]' is a value from an earlier step and cannot be assigned",
              "V = s[1.5f];": "the delay of 's[...]' must be an integer",
              "V = V[1];": "'V' is not an array and cannot be subscripted",
              "remove_synapse();": "unknown function 'remove_synapse'",
              "for_each_synapse { for_each_synapse { } }": "cannot be nested in another 'for_each_synapse'",
              "V = for_each_synapse;": "'for_each_synapse' is a block construct"}
    for code, message in errors.items():
        with pytest.raises(CodeError, match=re.escape(message)):
            tr(code, env=env)
    with pytest.raises(CodeError, match="unknown block construct 'for_each_synapse'"):
        tr("for_each_synapse { }")
    # without a '{', for_each_synapse is a name like any other
    with pytest.raises(CodeError, match="unknown name 'for_each_synapse'"):
        tr("V = for_each_synapse;")
    assert transpiler.subscripted_identifiers("x = s[d] + t; weights[id] = 1;") == {"s", "weights"}

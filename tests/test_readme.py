"""The README's quick start must run as written (on every backend case, the case's preferences
added to the GeNNModel call)."""
import re
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def quickstart_code() -> str:
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), re.S)
    assert blocks, "README has no python code block"
    return blocks[0]


def test_readme_quickstart_runs(backend, tmp_path, monkeypatch, capsys):
    arguments = ", ".join([f'backend="{backend.name}"'] + [f"{k}={v!r}" for k, v in backend.preferences.items()])
    code = quickstart_code().replace('backend="opencl"', arguments)
    assert arguments in code
    monkeypatch.chdir(tmp_path)
    namespace = {}
    exec(compile(code, str(README), "exec"), namespace)
    times, ids = namespace["times"], namespace["ids"]
    # 100 Poisson sources at 20 Hz into 1000 LIF neurons starting between reset and threshold:
    # some neurons must fire in 100 ms, all spikes within the run and from valid neurons.
    assert len(times) > 0
    assert times.min() >= 0.0 and times.max() < 100.0
    assert ids.min() >= 0 and ids.max() < 1000
    assert f"{len(times)} spikes" in capsys.readouterr().out

"""The README's Python example runs as written, from the repository's root."""
import os
import re

from conftest import ROOT


def test_the_readme_python_example_runs(capsys):
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("## From Python"):]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        exec(compile(code, "README.md", "exec"), {})
    finally:
        os.chdir(cwd)
    top1 = float(capsys.readouterr().out.strip().splitlines()[-1].split()[0])
    assert 0.8 < top1 <= 1.0

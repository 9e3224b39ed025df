"""Browser code ships as files next to the Python that loads it, never inside Python strings (anywidget's advice)."""

import ast
import re

from conftest import REPO_ROOT

PACKAGE = REPO_ROOT / "course_utils"
BROWSER_CODE = re.compile(r"\bexport\s+(default|function)\b|=>\s*\{|addEventListener|\{\s*[\w-]+\s*:\s*[^;{}]+;")


def string_literals(path):
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.lineno, node.value


def test_no_module_holds_javascript_or_css_in_a_string():
    found = [f"{path.relative_to(REPO_ROOT)}:{line}" for path in sorted(PACKAGE.rglob("*.py"))
             for line, text in string_literals(path) if BROWSER_CODE.search(text)]
    assert not found, f"browser code in Python strings (move it to a .js/.css file): {found}"


def test_the_scan_sees_inline_css_and_javascript(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text('CSS = "<style>.a { color: red; }</style>"\nJS = "export default { render() {} }"\n')
    assert [line for line, text in string_literals(sample) if BROWSER_CODE.search(text)] == [1, 2]


def test_static_files_are_package_data():
    pyproject = (REPO_ROOT / "pyproject.toml").read_text()
    for static in sorted({path.parent for path in PACKAGE.rglob("static/*")}):
        package = ".".join(static.parent.relative_to(REPO_ROOT).parts)
        assert f'"{package}" = [' in pyproject, f"{static} is not listed as package data of {package}"

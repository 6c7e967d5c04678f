"""Every audit action recorded anywhere in the code has a plain-language description.

The test reads the source (no imports of the apps): each call of the audit log's `record()`
(however it was imported), each `action=` keyword, and what a variable passed as the action
can hold (the constants assigned to it, or passed for it by the callers of the function it
is a parameter of). An action built from an f-string must belong to a known family whose
values are the members of a TextChoices class (`evidence.<custody kind>`).
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.utils import translation

from camreg.audit import actions

ROOT = Path(__file__).resolve().parents[2]  # camreg/
AUDIT_MODULE = "camreg.audit.services"
ACTION_NAME = re.compile(r"^[a-z_]+\.[a-z_]+$")
# f"<prefix>{...}": the TextChoices class (file, class) whose values complete the name.
FAMILIES = {"evidence.": ("evidence/models.py", "CustodyKind")}


def _sources() -> list[Path]:
    return sorted(
        path
        for path in ROOT.rglob("*.py")
        if "tests" not in path.relative_to(ROOT).parts
        and "testing" not in path.relative_to(ROOT).parts[:1]
    )


def _choices(relative: str, class_name: str) -> set[str]:
    tree = ast.parse((ROOT / relative).read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and node.name == class_name:
            values = set()
            for item in node.body:
                if isinstance(item, ast.Assign) and isinstance(item.value, ast.Tuple):
                    first = item.value.elts[0]
                    if isinstance(first, ast.Constant) and isinstance(first.value, str):
                        values.add(first.value)
            return values
    raise AssertionError(f"{class_name} not found in {relative}")


@dataclass
class Module:
    path: Path
    tree: ast.Module
    record_names: set[str] = field(default_factory=set)  # `record` imported from audit
    audit_aliases: set[str] = field(default_factory=set)  # `audit` in `audit.record`
    constants: dict[str, str] = field(default_factory=dict)  # module-level NAME = "..."

    @property
    def is_audit_services(self) -> bool:
        return self.path == ROOT / "audit" / "services.py"


def _load(path: Path) -> Module:
    module = Module(path, ast.parse(path.read_text(), str(path)))
    for node in module.tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant):
            for target in node.targets:
                if isinstance(target, ast.Name) and isinstance(node.value.value, str):
                    module.constants[target.id] = node.value.value
    for node in ast.walk(module.tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                if node.module == AUDIT_MODULE and alias.name == "record":
                    module.record_names.add(alias.asname or "record")
                if f"{node.module}.{alias.name}" == AUDIT_MODULE:
                    module.audit_aliases.add(alias.asname or alias.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == AUDIT_MODULE and alias.asname:
                    module.audit_aliases.add(alias.asname)
    if module.is_audit_services:
        module.record_names.add("record")
    return module


def _is_audit_record(module: Module, call: ast.Call) -> bool:
    func = call.func
    if isinstance(func, ast.Name):
        return func.id in module.record_names
    if isinstance(func, ast.Attribute) and func.attr == "record":
        return isinstance(func.value, ast.Name) and func.value.id in module.audit_aliases
    return False


def _parents(tree: ast.AST) -> dict[ast.AST, ast.AST]:
    return {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}


def _enclosing_function(node, parents):
    while node in parents:
        node = parents[node]
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            return node
    return None


class Walk:
    def __init__(self) -> None:
        self.modules = [_load(path) for path in _sources()]
        self.found: dict[str, str] = {}  # action -> first place seen
        self.unresolved: list[str] = []

    def add(self, name: str, where: str) -> None:
        self.found.setdefault(name, where)

    def resolve(self, module: Module, node: ast.AST, parents, where: str) -> None:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            self.add(node.value, where)
        elif isinstance(node, ast.IfExp):
            self.resolve(module, node.body, parents, where)
            self.resolve(module, node.orelse, parents, where)
        elif isinstance(node, ast.JoinedStr):
            head = node.values[0]
            prefix = head.value if isinstance(head, ast.Constant) else ""
            if prefix not in FAMILIES:
                self.unresolved.append(f"{where}: an f-string action with unknown prefix")
                return
            for value in _choices(*FAMILIES[prefix]):
                self.add(prefix + value, where)
        elif isinstance(node, ast.Name):
            self.resolve_name(module, node, parents, where)
        else:
            self.unresolved.append(f"{where}: {ast.unparse(node)}")

    def resolve_name(self, module: Module, node: ast.Name, parents, where: str) -> None:
        if node.id in module.constants:
            self.add(module.constants[node.id], where)
            return
        function = _enclosing_function(node, parents)
        if function is None:
            self.unresolved.append(f"{where}: {node.id}")
            return
        assigned = [
            n.value
            for n in ast.walk(function)
            if isinstance(n, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == node.id for t in n.targets)
        ]
        params = [a.arg for a in (*function.args.posonlyargs, *function.args.args)]
        keyword_only = [a.arg for a in function.args.kwonlyargs]
        if assigned:
            for value in assigned:
                self.resolve(module, value, parents, where)
        elif node.id in params or node.id in keyword_only:
            position = params.index(node.id) if node.id in params else None
            if not self.resolve_callers(function.name, node.id, position, where):
                self.unresolved.append(
                    f"{where}: parameter {node.id} of {function.name}, no callers"
                )
        else:
            self.unresolved.append(f"{where}: {node.id}")

    def resolve_callers(self, function: str, param: str, position: int | None, where: str) -> bool:
        seen = False
        for module in self.modules:
            parents = None
            for call in ast.walk(module.tree):
                if not isinstance(call, ast.Call):
                    continue
                func = call.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                if name != function:
                    continue
                value = next((k.value for k in call.keywords if k.arg == param), None)
                if value is None and position is not None and len(call.args) > position:
                    value = call.args[position]
                if value is None:
                    continue
                seen = True
                parents = parents or _parents(module.tree)
                self.resolve(module, value, parents, f"{module.path}:{call.lineno}")
        return seen

    def run(self) -> Walk:
        for module in self.modules:
            parents = _parents(module.tree)
            for node in ast.walk(module.tree):
                if not isinstance(node, ast.Call):
                    continue
                where = f"{module.path.relative_to(ROOT)}:{node.lineno}"
                if _is_audit_record(module, node):
                    first = node.args[0] if node.args else None
                    first = first or next(k.value for k in node.keywords if k.arg == "action")
                    self.resolve(module, first, parents, where)
                else:  # AuditEvent(action=...), change(action=...), filter(action=...)
                    for keyword in node.keywords:
                        value = keyword.value
                        if keyword.arg == "action" and isinstance(value, ast.Constant):
                            if ACTION_NAME.match(str(value.value)):  # not argparse's "append"
                                self.add(value.value, where)
                        elif keyword.arg == "action" and isinstance(keyword.value, ast.Name):
                            if keyword.value.id in module.constants:  # KEY_CHANGE_ACTION
                                self.add(module.constants[keyword.value.id], where)
        return self


@pytest.fixture(scope="module")
def walk() -> Walk:
    return Walk().run()


def test_every_recorded_action_can_be_found(walk):
    assert not walk.unresolved, "actions the walk cannot name:\n" + "\n".join(walk.unresolved)
    # The walk finds the ways actions are recorded (a guard against a walk that finds nothing).
    for name in (
        "auth.sign_in",  # record() imported by name
        "registrant.viewed",  # audit.record()
        "footage.request_sent",  # a local variable
        "canvass.exported",  # a parameter, from its callers
        "settings.limits_updated",  # action= passed to a helper
        "evidence.hash_mismatch",  # f"evidence.{kind.value}"
        "canvass.case_reopened",  # a conditional expression
        "audit.chain_keyed",  # a module constant
        "registration.left",  # residents' own actions
    ):
        assert name in walk.found, name


def test_every_recorded_action_has_a_description(walk):
    missing = {name: where for name, where in walk.found.items() if not actions.is_described(name)}
    assert not missing, "describe these in camreg/audit/actions.py: " + ", ".join(
        f"{name} ({where})" for name, where in sorted(missing.items())
    )


def test_descriptions_are_in_english_and_spanish():
    for action in actions.ACTIONS.values():
        assert action.area in actions.AREAS
        with translation.override("en"):
            english = actions.describe(action.name)
        with translation.override("es"):
            spanish = actions.describe(action.name)
        assert english and spanish and english != spanish, action.name
    for area in actions.AREAS.values():
        with translation.override("en"):
            english = str(area.name)
        with translation.override("es"):
            assert str(area.name) != english, area.key


def test_unknown_actions_are_spelled_out_under_other():
    assert actions.describe("legacy.thing_done") == "Legacy thing done"
    groups = dict((area.key, items) for area, items in actions.grouped(["legacy.thing_done"]))
    assert groups["other"] == [("legacy.thing_done", "Legacy thing done")]


def test_details_read_as_labels_not_json():
    with translation.override("en"):
        lines = actions.detail_lines(
            {
                "registrant_id": 7,
                "camera_ids": list(range(20)),
                "changed": {"contact": ["email"], "sites": {"added": [3], "removed": []}},
                "empty": "",
                "unlisted_flag": True,
            }
        )
    assert lines == [
        ("Registrant", "7"),
        ("Cameras", "0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 and 8 more"),
        ("Changed › Contact details", "email"),
        ("Changed › Places › Added", "3"),
        ("Unlisted flag", "yes"),
    ]
    with translation.override("es"):
        assert actions.detail_lines({"camera_ids": [1], "automatic": False}) == [
            ("Cámaras", "1"),
            ("Confirmada automáticamente", "no"),
        ]


def test_the_audit_catalog_is_complete_and_keeps_placeholders():
    import polib

    catalog = polib.pofile(str(ROOT / "audit/locale/es/LC_MESSAGES/django.po"))
    assert not catalog.untranslated_entries() and not catalog.fuzzy_entries()
    placeholder = re.compile(r"%\(\w+\)[sd]")
    for entry in catalog:
        texts = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        for text in texts:
            expected = sorted(placeholder.findall(entry.msgid_plural or entry.msgid))
            assert sorted(placeholder.findall(text)) == expected, entry.msgid

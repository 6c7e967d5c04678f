"""docs/roles.md shows the same permission matrix as the permission module."""

from __future__ import annotations

from pathlib import Path

from camreg.accounts.roles import ROLE_PERMISSIONS, Permission, Role

DOC = Path(__file__).resolve().parents[3] / "docs" / "roles.md"


def _documented_matrix() -> dict[str, set[str]]:
    lines = DOC.read_text(encoding="utf-8").splitlines()
    header_index = next(i for i, line in enumerate(lines) if line.startswith("| Permission | "))
    labels = [cell.strip() for cell in lines[header_index].strip("|").split("|")][1:]
    by_label = {role.label: role.value for role in Role}
    assert set(labels) == set(by_label), labels
    matrix: dict[str, set[str]] = {}
    for line in lines[header_index + 2 :]:
        if not line.startswith("| `"):
            break
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        permission = cells[0].strip("`")
        matrix[permission] = {
            by_label[label] for label, cell in zip(labels, cells[1:], strict=True) if cell
        }
    return matrix


def test_docs_roles_md_matches_the_permission_module():
    expected = {p.value: {str(r) for r in ROLE_PERMISSIONS[p]} for p in Permission}
    assert _documented_matrix() == expected

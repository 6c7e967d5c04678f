"""Background tasks of canvass, run by the worker (`manage.py db_worker`)."""

from django_tasks import task

from . import map_cells


@task()
def age_map_cells() -> int:
    """Move the map cells' one-year confirmation cut-off forward (run by the scheduler);
    returns how many registrants were recounted."""
    return map_cells.age()

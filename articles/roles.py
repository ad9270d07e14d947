"""The newsroom's roles, as Django groups created by migration 0003_newsroom_roles.

The permissions each group holds are frozen in that migration and the later ones that grant
rights for new features (0007: tags and sign-in locks; 0021: corrections, which the desk and
the chief may publish and reporters only see; 0022: live coverage, whose entries reporters
write and send to the desk, and the desk and the chief publish); this module names the groups for
code, tests and the README. A user gets a role by being put in its group (and `is_staff`).
"""

REPORTER = "مراسل"
DESK_EDITOR = "محرر ديسك"
EDITOR_IN_CHIEF = "رئيس التحرير"

ROLES = (REPORTER, DESK_EDITOR, EDITOR_IN_CHIEF)

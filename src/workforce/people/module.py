from workforce.people import api, directory, routes_employees, routes_export, routes_import, routes_org
from workforce.people.demo import demo
from workforce.web.registry import Module, NavItem

_READ = frozenset({"hr", "supervisor", "safety", "compliance", "viewer"})

MODULE = Module(
    name="people",
    routes=routes_employees.ROUTES
    + routes_org.ROUTES
    + routes_import.ROUTES
    + routes_export.ROUTES
    + api.ROUTES,
    nav=[
        NavItem("People", "/people", _READ, order=10, group="People"),
        NavItem("Organisation", "/org", _READ, order=11, group="People"),
    ],
    demo=demo,
    dashboard=[],
)


async def headcount_card(user):
    if not user.has("hr", "supervisor", "admin"):
        return None
    return {
        "title": "people on the books",
        "value": await directory.headcount(),
        "href": "/people?status=current",
    }


MODULE.dashboard.append(headcount_card)

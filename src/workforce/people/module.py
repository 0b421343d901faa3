from workforce.people import directory, routes_employees, routes_org
from workforce.people.demo import demo
from workforce.web.registry import Module, NavItem

_READ = frozenset({"hr", "supervisor", "safety", "compliance", "viewer"})

MODULE = Module(
    name="people",
    routes=routes_employees.ROUTES + routes_org.ROUTES,
    nav=[NavItem("People", "/people", _READ, order=10), NavItem("Organisation", "/org", _READ, order=11)],
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

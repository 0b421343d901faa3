from workforce.accounts import api, routes_admin, routes_auth
from workforce.accounts.demo import demo
from workforce.web.registry import Module, NavItem

MODULE = Module(
    name="accounts",
    routes=routes_auth.ROUTES + routes_admin.ROUTES + api.ROUTES,
    nav=[
        NavItem("Users", "/admin/users", frozenset({"admin"}), order=90, group="Admin"),
        NavItem(
            "Access report",
            "/admin/access-report",
            frozenset({"admin", "compliance"}),
            order=91,
            group="Admin",
        ),
    ],
    demo=demo,
)

from workforce.audit.routes import audit_list
from workforce.web.registry import Module, NavItem

MODULE = Module(
    name="audit",
    routes=[audit_list],
    nav=[NavItem("Audit trail", "/admin/audit", frozenset({"admin", "compliance"}), order=92, group="Admin")],
)

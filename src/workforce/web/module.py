from workforce.web.registry import Module
from workforce.web.routes import dashboard, healthz

MODULE = Module(name="web", routes=[dashboard, healthz])

from workforce.people.demo import demo
from workforce.web.registry import Module

MODULE = Module(name="people", routes=[], nav=[], demo=demo)

"""A bare Litestar hello-world, served the same way as Workforce, as the baseline for ratios."""

from litestar import Litestar, get


@get("/")
async def hello() -> str:
    return "hello"


app = Litestar([hello])

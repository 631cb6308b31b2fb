"""`refdb serve`: the argument in a browser (Starlette, Jinja2, uvicorn), above the services."""

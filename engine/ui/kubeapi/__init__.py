"""`litekube serve`: the Kubernetes REST API over the API layer, as an ASGI application.

Modules: `statuses` (Status objects from litekube's errors), `routes`
(request paths to kinds), `discovery` (/version, /api, /apis, OpenAPI),
`tables` (server-side Tables), `handlers` (CRUD and subresources on the
API layer), `watching` (one changelog poller feeding every watch),
`app` (the ASGI application), `running` (uvicorn, TLS, the kubeconfig).
"""

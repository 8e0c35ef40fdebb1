"""`litekube ui`: the live web view of the cluster, with a time slider over the changelog.

This package does I/O: an ASGI application (`app`) served by uvicorn
(`running`) on the loopback address by default, behind a token, with its
page, script and style shipped as package data (`static/`).
"""

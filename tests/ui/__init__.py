"""Tests of the web view: its ASGI application, the server process, and the page in a real Chromium."""

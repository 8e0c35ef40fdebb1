"""Pure reconcilers: `reconcile(key, view, now) -> Result(actions, requeue_after)`.

No I/O happens here: reconcilers never import SQLAlchemy, never read a clock
and never write; the runtime executes the actions they return.
"""

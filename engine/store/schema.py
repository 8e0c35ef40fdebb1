"""The store's tables, as SQLAlchemy Core metadata. No I/O happens here.

`objects` holds the current object per (kind, namespace, name); `changelog`
holds one row per revision, written only by the triggers of `triggers.py`.
`revision` is the one-row global counter; `compaction` records the revision
at or below which the changelog was compacted; `clock` is the cluster clock
the triggers stamp onto changelog rows (with its offset from the wall clock
while `litekube run` leads); `objects.expires` is when the store deletes an
object (Events' TTL); `controlplane` keeps the control plane's cursor,
pending timers and the lock that embedded runs take; `controller_state`
what a controller keeps between passes beside the objects (the HPA
controller's recommendations and scale events), per (component, kind,
namespace, name); `allocations` the ClusterIPs and nodePorts each Service
holds, kept by the Writer in the Service's transaction (allocations.py).
"""
from __future__ import annotations

from sqlalchemy import (
                        BigInteger,
                        CheckConstraint,
                        Column,
                        Float,
                        Index,
                        Integer,
                        LargeBinary,
                        PrimaryKeyConstraint,
                        MetaData,
                        Table,
                        Text,
                        UniqueConstraint,
                        text,
)

# PostgreSQL-only variants, as in the migrations: BIGINT revisions, byte-wise ordered keys.
REV = Integer().with_variant(BigInteger(), "postgresql")
KEY = Text().with_variant(Text(collation="C"), "postgresql")

__all__ = ["metadata", "objects", "changelog", "revision", "compaction", "clock", "controlplane",
           "controller_state", "snapshot", "snapshot_chunk", "allocations", "allocation_hints"]

metadata = MetaData(naming_convention={
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "pk": "pk_%(table_name)s",
})

revision = Table(
    "revision", metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("rev", REV, nullable=False),
    CheckConstraint("id = 1", name="single_row"),
)

compaction = Table(
    "compaction", metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("rev", REV, nullable=False),
    CheckConstraint("id = 1", name="single_row"),
)

clock = Table(
    "clock", metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("now", Float, nullable=False),
    Column("virtual", Integer, nullable=False, server_default="1"),
    Column("offset", Float, nullable=False, server_default="0"),
    CheckConstraint("id = 1", name="single_row"),
)

controlplane = Table(
    "controlplane", metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("cursor", REV),
    Column("timers", Text),
    Column("holder", Text),
    Column("expires", Float),
    CheckConstraint("id = 1", name="single_row"),
)

controller_state = Table(
    "controller_state", metadata,
    Column("component", Text, nullable=False),
    Column("kind", KEY, nullable=False),
    Column("namespace", KEY, nullable=False),
    Column("name", KEY, nullable=False),
    Column("body", Text, nullable=False),
    PrimaryKeyConstraint("component", "kind", "namespace", "name"),
)

objects = Table(
    "objects", metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", KEY, nullable=False),
    Column("namespace", KEY, nullable=False),
    Column("name", KEY, nullable=False),
    Column("uid", Text, nullable=False),
    Column("resource_version", REV, nullable=False, server_default="0"),
    Column("body", Text, nullable=False),
    Column("expires", Float),
    UniqueConstraint("kind", "namespace", "name"),
    Index("ix_objects_expires", "expires", sqlite_where=text("expires IS NOT NULL"),
          postgresql_where=text("expires IS NOT NULL")),
    implicit_returning=False,
)

changelog = Table(
    "changelog", metadata,
    Column("rev", REV, primary_key=True, autoincrement=False),
    Column("op", Text, nullable=False),
    Column("kind", KEY, nullable=False),
    Column("namespace", KEY, nullable=False),
    Column("name", KEY, nullable=False),
    Column("uid", Text, nullable=False),
    Column("body", Text, nullable=False),
    Column("prev_rev", REV),
    Column("ts", Float, nullable=False),
    Index("ix_changelog_kind_rev", "kind", "rev"),
    # One object's history (rollout trace, changes and -w for one object): its rows, not the table.
    Index("ix_changelog_object_rev", "kind", "namespace", "name", "rev"),
)

# The control plane's cache as of a revision, so that the next one replays only the changelog since:
# a header (one row) naming the chunks of the snapshot it describes (their token, how many, a CRC-32
# of their bodies in order), and the chunks (MemoryView.pieces), written before their header.
snapshot = Table(
    "snapshot", metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("revision", REV, nullable=False),
    Column("format", Text, nullable=False),
    Column("token", BigInteger, nullable=False),
    Column("chunks", Integer, nullable=False),
    Column("checksum", BigInteger, nullable=False),
    CheckConstraint("id = 1", name="single_row"),
)

snapshot_chunk = Table(
    "snapshot_chunk", metadata,
    Column("token", BigInteger, nullable=False),
    Column("seq", Integer, nullable=False),
    Column("body", LargeBinary, nullable=False),
    PrimaryKeyConstraint("token", "seq"),
)

# The ClusterIPs (kind 'ip', the address as an integer) and nodePorts (kind 'port') each Service
# holds (allocations.py): the allocators probe and walk the primary key instead of every Service.
allocations = Table(
    "allocations", metadata,
    Column("kind", Text, nullable=False),
    Column("value", BigInteger, nullable=False),
    Column("family", Text, nullable=False),
    Column("namespace", KEY, nullable=False),
    Column("name", KEY, nullable=False),
    PrimaryKeyConstraint("kind", "value", "family", "namespace", "name"),
    Index("ix_allocations_owner", "namespace", "name"),
)

# Per (kind, band start): every value of the band below `next` is held (allocations.py), so the
# lowest-free walk starts there.
allocation_hints = Table(
    "allocation_hints", metadata,
    Column("kind", Text, nullable=False),
    Column("start", BigInteger, nullable=False),
    Column("next", BigInteger, nullable=False),
    PrimaryKeyConstraint("kind", "start"),
)

"""The pod garbage collector (pkg/controller/podgc): pods of nodes that are gone."""

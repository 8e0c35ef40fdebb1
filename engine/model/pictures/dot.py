"""A `graphs.Graph` written as Graphviz DOT with Graphviz's Python bindings, and the HTML page around its SVG.

No I/O happens here: building a `graphviz.Digraph` only assembles its DOT
source; running Graphviz's `dot` on it (SVG, PNG) is the caller's job.
Attributes are written in sorted order, so the source is stable.
"""
from __future__ import annotations

import html

import graphviz

from litekube.model.pictures import graphs, statuses

__all__ = ["digraph", "html_page"]

_GRAPH = {"rankdir": "LR", "fontname": "Helvetica", "fontsize": "12", "labelloc": "t", "nodesep": "0.25",
          "ranksep": "0.6", "newrank": "true"}
_NODE = {"fontname": "Helvetica", "fontsize": "10"}
_EDGE = {"color": "#495057", "arrowsize": "0.7", "fontname": "Helvetica", "fontsize": "9"}


def _text(label: str) -> str:
    """A label's lines joined by DOT's centred line break (a raw newline is not one everywhere)."""
    return "\\n".join(label.replace("\\", "\\\\").split("\n"))


def _vertex(g: graphviz.Digraph, vertex: graphs.Vertex) -> None:
    g.node(vertex.id, _text(vertex.label), **dict(sorted(vertex.attrs)))


def digraph(graph: graphs.Graph) -> graphviz.Digraph:
    """The Graphviz digraph of the picture (`.source` is its DOT text)."""
    g = graphviz.Digraph("litekube", graph_attr={**_GRAPH, "label": _text(graph.label)}, node_attr=_NODE,
                         edge_attr=_EDGE)
    for cluster in graph.clusters:
        with g.subgraph(name=cluster.id) as sub:
            sub.attr(label=_text(cluster.label), **dict(sorted(cluster.attrs)))
            for vertex in cluster.vertices:
                _vertex(sub, vertex)
    for vertex in graph.vertices:
        _vertex(g, vertex)
    for edge in graph.edges:
        attrs = dict(sorted(edge.attrs))
        if edge.label:
            attrs["label"] = _text(edge.label)
        g.edge(edge.tail, edge.head, **attrs)
    return g


def html_page(svg: str, title: str) -> str:
    """A standalone page: the SVG inline, with the colour legend of pod and node states."""
    start = svg.find("<svg")
    body = svg[start:] if start >= 0 else svg
    legend = "".join(
        f'<li><span class="swatch" style="background:{color}"></span>{html.escape(str(state))}</li>'
        for state, color in statuses.POD_COLORS.items())
    nodes = "".join(
        f'<li><span class="swatch" style="background:{color}"></span>node {html.escape(str(state))}</li>'
        for state, color in statuses.NODE_COLORS.items())
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{html.escape(title)}</title>
<style>
body {{ font-family: Helvetica, Arial, sans-serif; margin: 1.5em; color: #212529; }}
ul.legend {{ list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: 1em; font-size: 0.9em; }}
.swatch {{ display: inline-block; width: 0.9em; height: 0.9em; border: 1px solid #868e96; margin-right: 0.3em;
  vertical-align: middle; }}
figure {{ margin: 0; overflow: auto; }}
</style>
</head>
<body>
<h1>{html.escape(title)}</h1>
<ul class="legend">{legend}{nodes}</ul>
<figure>
{body}
</figure>
</body>
</html>
"""

"""The graph: what is drawn, which edges, and a DOT source that does not depend on input order."""
from __future__ import annotations

import random

from litekube.model.pictures import dot, graphs
from tests.model import pictures_fixtures as fx


def cluster():
    web = fx.deployment()
    rs = fx.replicaset(web, "aaaa", 2)
    p1 = fx.pod("web-aaaa-1", owner=rs, node="node-1", ip="10.244.0.5")
    p2 = fx.pod("web-aaaa-2", owner=rs, node="node-2", ip="10.244.1.5", ready=False)
    waiting = fx.pod("web-aaaa-3", owner=rs, node=None, phase="Pending")
    svc = fx.service()
    eps = fx.endpointslice(svc, [fx.endpoint(p1), fx.endpoint(p2, ready=False),
                                 {"addresses": ["192.168.9.9"], "conditions": {"ready": True}}])
    ing = fx.ingress("site", [("shop.example", "/", "web"), ("shop.example", "/api", "web"), ("", "/x", "gone")])
    nodes = [fx.node("node-2", address="172.18.0.3"), fx.node("node-1", ready="Unknown", down=True)]
    return nodes, [ing, eps, svc, waiting, p2, p1, rs, web]


class TestBuild:
    def test_nodes_are_clusters_holding_their_pods(self):
        nodes, objects = cluster()
        graph = graphs.build(nodes, objects, scope="namespace demo")
        assert [(c.id, [v.id for v in c.vertices]) for c in graph.clusters] == [
            ("cluster_node_node-1", ["Node/node-1", "Pod/demo/web-aaaa-1"]),
            ("cluster_node_node-2", ["Node/node-2", "Pod/demo/web-aaaa-2"]),
            ("cluster_unscheduled", ["Pod/demo/web-aaaa-3"]),
        ]
        assert dict(graph.clusters[0].attrs)["fillcolor"] == "#ece4f6"  # Ready=Unknown

    def test_edges_follow_owners_slices_and_ingress_rules(self):
        nodes, objects = cluster()
        graph = graphs.build(nodes, objects, scope="namespace demo")
        assert [(e.tail, e.head, e.label, dict(e.attrs).get("style", "")) for e in graph.edges] == [
            ("Deployment/demo/web", "ReplicaSet/demo/web-aaaa", "", ""),
            ("EndpointSlice/demo/web-abcde", "Pod/demo/web-aaaa-1", "", ""),
            ("EndpointSlice/demo/web-abcde", "Pod/demo/web-aaaa-2", "", "dashed"),
            ("EndpointSlice/demo/web-abcde", "address/192.168.9.9", "", ""),
            ("Ingress/demo/site", "Service/demo/gone", "*/x", ""),
            ("Ingress/demo/site", "Service/demo/web", "shop.example/\nshop.example/api", ""),
            ("ReplicaSet/demo/web-aaaa", "Pod/demo/web-aaaa-1", "", ""),
            ("ReplicaSet/demo/web-aaaa", "Pod/demo/web-aaaa-2", "", ""),
            ("ReplicaSet/demo/web-aaaa", "Pod/demo/web-aaaa-3", "", ""),
            ("Service/demo/web", "EndpointSlice/demo/web-abcde", "", ""),
        ]
        missing = {v.id: v for v in graph.vertices}["Service/demo/gone"]
        assert missing.label == "service\ngone\n(not found)" and dict(missing.attrs)["style"] == "dashed"

    def test_all_namespaces_labels_carry_the_namespace(self):
        nodes, objects = cluster()
        graph = graphs.build(nodes, objects, scope="all namespaces", all_namespaces=True)
        assert {v.id: v.label for v in graph.vertices}["Deployment/demo/web"] == "deployment\ndemo/web"

    def test_kinds_it_does_not_draw_are_left_out(self):
        cm = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": fx.meta("c")}
        assert graphs.build([], [cm], scope="x") == graphs.Graph("x")


class TestDot:
    def test_the_same_objects_in_any_order_give_the_same_source(self):
        nodes, objects = cluster()
        first = dot.digraph(graphs.build(nodes, objects, scope="namespace demo")).source
        for seed in range(5):
            random.Random(seed).shuffle(objects)
            random.Random(seed).shuffle(nodes)
            assert dot.digraph(graphs.build(nodes, objects, scope="namespace demo")).source == first

    def test_source(self):
        web = fx.deployment(replicas=1)
        rs = fx.replicaset(web, "aaaa", 1)
        pod = fx.pod("web-aaaa-1", owner=rs)
        source = dot.digraph(graphs.build([fx.node("node-1")], [pod, rs, web], scope="namespace demo")).source
        assert source == (
            'digraph litekube {\n'
            '\tgraph [fontname=Helvetica fontsize=12 label="namespace demo" labelloc=t newrank=true nodesep=0.25 '
            'rankdir=LR ranksep=0.6]\n'
            '\tnode [fontname=Helvetica fontsize=10]\n'
            '\tedge [arrowsize=0.7 color="#495057" fontname=Helvetica fontsize=9]\n'
            '\tsubgraph "cluster_node_node-1" {\n'
            '\t\tcolor="#868e96" fillcolor="#e9f5ec" label="node-1" style="filled,rounded"\n'
            '\t\t"Node/node-1" [label="node node-1\\n172.18.0.2\\nReady=True" fillcolor=white shape=box3d '
            'style=filled]\n'
            '\t\t"Pod/demo/web-aaaa-1" [label="web-aaaa-1\\nRunning 1/1" fillcolor="#2f9e44" fontcolor=white '
            'shape=box style="rounded,filled"]\n'
            '\t}\n'
            '\t"Deployment/demo/web" [label="deployment\\nweb" fillcolor="#dee6f5" shape=box style=filled]\n'
            '\t"ReplicaSet/demo/web-aaaa" [label="replicaset\\nweb-aaaa" fillcolor="#dee6f5" shape=box '
            'style=filled]\n'
            '\t"Deployment/demo/web" -> "ReplicaSet/demo/web-aaaa"\n'
            '\t"ReplicaSet/demo/web-aaaa" -> "Pod/demo/web-aaaa-1"\n'
            '}\n')

    def test_quotes_and_backslashes_in_labels_stay_inside_the_string(self):
        ing = fx.ingress("site", [('a"b', "/p\\q", "web")])
        source = dot.digraph(graphs.build([], [ing], scope="x")).source
        assert 'label="a\\"b/p\\\\q"' in source

    def test_html_page_embeds_the_svg_and_the_legend(self):
        page = dot.html_page('<?xml version="1.0"?>\n<svg><g/></svg>\n', "litekube: <demo>")
        assert "<title>litekube: &lt;demo&gt;</title>" in page and "<svg><g/></svg>" in page
        assert "<?xml" not in page and "crash" not in page and "failing" in page

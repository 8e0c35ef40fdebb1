"""The API server on real SQLite: admission, metadata, CAS, deletion, namespaces."""
from __future__ import annotations

import copy

import pytest

from litekube import errors
from litekube.api import server, ssa
from litekube.api.server import Api
from litekube.store import Store, objects


def deployment(name="web", replicas=2, image="nginx:1.27", namespace=None):
    meta = {"name": name, "labels": {"app": name}}
    if namespace:
        meta["namespace"] = namespace
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": meta,
            "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": name}},
                     "template": {"metadata": {"labels": {"app": name}},
                                  "spec": {"containers": [{"name": "app", "image": image}]}}}}


def configmap(name="cfg", **data):
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}, "data": data}


class TestBootstrap:
    def test_a_new_cluster_has_the_system_namespaces(self, api):
        with api.read() as tx:
            names = [n["metadata"]["name"] for n in tx.list("Namespace").items]
        assert names == ["default", "kube-flannel", "kube-node-lease", "kube-public", "kube-system"]

    def test_the_clock_starts_at_the_wall_clock(self, api):
        assert api.store.now() == 1_700_000_000.0

    def test_a_new_cluster_has_the_system_components(self, api):
        with api.read() as tx:
            found = sorted((o["kind"], o["metadata"]["namespace"], o["metadata"]["name"])
                           for kind in ("Deployment", "DaemonSet", "Service") for o in tx.list(kind).items)
            dns = tx.get("Service", "kube-system", "kube-dns")["spec"]["clusterIP"]
            managers = {o["metadata"]["name"]: o["metadata"]["managedFields"][0]["manager"]
                        for kind in ("Deployment", "DaemonSet") for o in tx.list(kind).items}
        assert found == [("DaemonSet", "kube-flannel", "kube-flannel-ds"), ("DaemonSet", "kube-system", "kube-proxy"),
                         ("Deployment", "kube-system", "coredns"), ("Service", "default", "kubernetes"),
                         ("Service", "kube-system", "kube-dns")]
        assert dns == "10.96.0.10"
        assert managers == {"coredns": "kubeadm", "kube-proxy": "kubeadm",
                            "kube-flannel-ds": "kubectl-client-side-apply"}

    def test_generated_names_follow_their_generate_name_alone(self, backend):
        """The nth name a generateName makes is the same whatever else the cluster wrote first; a taken
        name moves on to the next count (the apiserver retries a generated name that exists)."""
        pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"generateName": "web-"},
               "spec": {"containers": [{"name": "a", "image": "b"}]}}
        names = []
        for extra in (0, 3):
            store = Store(backend.db(f"names{extra}.db"), wall=lambda: 1_700_000_000.0)
            api = Api(store, node_count=0)
            with api.write() as tx:
                for i in range(extra):
                    tx.create(configmap(f"cm{i}"))
                names.append([tx.create(pod)["metadata"]["name"] for _ in range(2)])
            store.close()
        assert names[0] == names[1] and names[0][0] != names[0][1]
        store = Store(backend.db("taken.db"), wall=lambda: 1_700_000_000.0)
        api = Api(store, node_count=0)
        with api.write() as tx:
            tx.create({**pod, "metadata": {"name": names[0][0]}})
            assert tx.create(pod)["metadata"]["name"] == names[0][1]
        store.close()

    def test_generated_names_count_on_across_transactions(self, backend):
        """Within a transaction the counter is remembered, not read again: four creates in one
        transaction name the pods as two and two in separate transactions (and a failed write's
        name is not given again)."""
        pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"generateName": "web-"},
               "spec": {"containers": [{"name": "a", "image": "b"}]}}
        runs = []
        for split in ((4,), (2, 2), (1, 1, 1, 1)):
            store = Store(backend.db(f"split{len(split)}.db"), wall=lambda: 1_700_000_000.0)
            api = Api(store, node_count=0)
            names = []
            for count in split:
                with api.write() as tx:
                    names += [tx.create(pod)["metadata"]["name"] for _ in range(count)]
            runs.append(names)
            store.close()
        assert runs[0] == runs[1] == runs[2] and len(set(runs[0])) == 4
        store = Store(backend.db("refused.db"), wall=lambda: 1_700_000_000.0)
        api = Api(store, node_count=0)
        with api.write() as tx:
            first = tx.create(pod)["metadata"]["name"]
            with pytest.raises(errors.Invalid):
                tx.create({**pod, "spec": {"containers": []}})
            assert tx.create(pod)["metadata"]["name"] == runs[0][2]
        assert first == runs[0][0]
        store.close()

    def test_kube_dns_takes_the_tenth_address_of_the_service_cidr(self, backend):
        store = Store(backend.db("cidr.db"), wall=lambda: 1_700_000_000.0)
        api = Api(store, node_count=0, service_cidr="10.43.0.0/16", data_plane=("ipvs", "host-gw"))
        with api.read() as tx:
            assert tx.get("Service", "kube-system", "kube-dns")["spec"]["clusterIP"] == "10.43.0.10"
            config = tx.get("ConfigMap", "kube-system", "kube-proxy")["data"]["config.conf"]
        assert "mode: ipvs\n" in config
        store.close()


class TestCreate:
    def test_metadata_is_managed_by_the_server(self, api):
        with api.write() as tx:
            created = tx.create(deployment())
        meta = created["metadata"]
        assert meta["namespace"] == "default"
        assert meta["generation"] == 1
        assert meta["creationTimestamp"] == "2023-11-14T22:13:20Z"
        assert len(meta["uid"]) == 36 and meta["resourceVersion"].isdigit()

    def test_defaults_are_applied(self, api):
        with api.write() as tx:
            created = tx.create(deployment())
        spec = created["spec"]
        assert spec["strategy"] == {"type": "RollingUpdate",
                                    "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}}
        assert (spec["revisionHistoryLimit"], spec["progressDeadlineSeconds"]) == (10, 600)
        assert spec["template"]["spec"]["restartPolicy"] == "Always"

    def test_client_set_status_and_uid_are_ignored(self, api):
        obj = deployment()
        obj["metadata"]["uid"] = "mine"
        obj["status"] = {"replicas": 99}
        with api.write() as tx:
            created = tx.create(obj)
        assert created["metadata"]["uid"] != "mine" and "status" not in created

    def test_a_missing_namespace_is_refused(self, api):
        with pytest.raises(errors.NotFound) as exc:
            with api.write() as tx:
                tx.create(deployment(namespace="nope"))
        assert exc.value.render() == 'Error from server (NotFound): namespaces "nope" not found'

    def test_invalid_objects_are_refused_with_kubernetes_wording(self, api):
        with pytest.raises(errors.Invalid) as exc:
            with api.write() as tx:
                tx.create(deployment(replicas=-1))
        assert exc.value.render() == (
            'The Deployment "web" is invalid: spec.replicas: Invalid value: -1: '
            "must be greater than or equal to 0")

    def test_unknown_fields_are_refused(self, api):
        obj = deployment()
        obj["spec"]["replica"] = 3
        with pytest.raises(errors.BadRequest) as exc:
            with api.write() as tx:
                tx.create(obj)
        assert exc.value.render() == (
            'Error from server (BadRequest): Deployment in version "v1" cannot be handled as a '
            'Deployment: strict decoding error: unknown field "spec.replica"')

    def test_generate_name(self, api):
        obj = configmap()
        obj["metadata"] = {"generateName": "cfg-"}
        with api.write() as tx:
            name = tx.create(obj)["metadata"]["name"]
        assert name.startswith("cfg-") and len(name) == 9


class TestCreatedManagedFields:
    """A batch's creates share one managedFields computation per object that differs only in its
    name, uid and creationTimestamp (Transaction._created_fields): the entries are what a create of
    each alone records, and each object has its own."""

    POD = {"apiVersion": "v1", "kind": "Pod", "metadata": {"generateName": "web-", "labels": {"app": "web"}},
           "spec": {"containers": [{"name": "a", "image": "b", "ports": [{"containerPort": 80}]}]}}

    def _pods(self, api, bodies, one_transaction):
        out = []
        if one_transaction:
            with api.write(trusted=True, manager="kube-controller-manager") as tx:
                out = [tx.create(copy.deepcopy(body)) for body in bodies]
        else:
            for body in bodies:
                server._CREATED.clear()  # each computed alone: nothing remembered from another create
                with api.write(trusted=True, manager="kube-controller-manager") as tx:
                    out.append(tx.create(copy.deepcopy(body)))
        return [pod["metadata"]["managedFields"] for pod in out]

    def test_creates_in_separate_transactions_share_the_computation(self, backend, monkeypatch):
        # an apply creates each object in its own transaction: the answer is remembered across them,
        # at the same instant only (the entry's time is part of what is remembered)
        store = Store(backend.db("shared.db"), wall=lambda: 1_700_000_000.0)
        api = Api(store, node_count=0)
        calls = []
        real = ssa.update
        monkeypatch.setattr(ssa, "update", lambda *a, **k: calls.append((k["kind"], k["now"])) or real(*a, **k))
        server._CREATED.clear()
        first = self._pods(api, [self.POD, self.POD], one_transaction=True)
        second = self._pods(api, [self.POD], one_transaction=True)
        with store.write() as w:
            w.set_clock(w.now() + 1.0)
        third = self._pods(api, [self.POD], one_transaction=True)
        store.close()
        pods = [now for kind, now in calls if kind == "Pod"]
        assert len(pods) == 2 and pods[0] != pods[1]
        assert first[0] == first[1] == second[0] and third[0] != first[0]
        assert third[0][0]["time"] == pods[1]
        assert second[0][0] is not first[0][0]
        server._CREATED.clear()

    def test_a_batch_records_what_each_create_alone_records(self, backend):
        other = copy.deepcopy(self.POD)
        other["metadata"]["labels"]["tier"] = "front"  # one more label: other fields
        named = copy.deepcopy(self.POD)
        named["metadata"] = {"name": "fixed", "labels": {"app": "web"}}  # a name, no generateName
        relabelled = copy.deepcopy(self.POD)
        relabelled["metadata"]["labels"]["app"] = "api"  # another value, the same fields
        noted = [copy.deepcopy(self.POD) for _ in range(3)]
        noted[0]["metadata"]["annotations"] = {"note": "one"}
        noted[1]["metadata"]["annotations"] = {"note": "two"}
        noted[2]["metadata"]["annotations"] = {"other": "one"}
        bodies = [self.POD, self.POD, other, self.POD, named, other, relabelled, *noted]
        runs = []
        for one in (True, False):
            store = Store(backend.db(f"managed{one}.db"), wall=lambda: 1_700_000_000.0)
            runs.append(self._pods(Api(store, node_count=0), bodies, one))
            store.close()
        batch, alone = runs
        assert batch == alone
        assert batch[0] == batch[1] and batch[2] != batch[0] and batch[4] != batch[0]
        assert "f:tier" in batch[2][0]["fieldsV1"]["f:metadata"]["f:labels"]
        assert "f:tier" not in batch[3][0]["fieldsV1"]["f:metadata"]["f:labels"]
        assert "f:generateName" in batch[0][0]["fieldsV1"]["f:metadata"]
        assert "f:generateName" not in batch[4][0]["fieldsV1"]["f:metadata"]
        assert batch[6] == batch[0] and batch[7] == batch[8] != batch[9]
        assert "f:other" in batch[9][0]["fieldsV1"]["f:metadata"]["f:annotations"]

    def test_each_object_has_its_own_entries(self, api):
        with api.write(trusted=True, manager="kube-controller-manager") as tx:
            first, second = tx.create(copy.deepcopy(self.POD)), tx.create(copy.deepcopy(self.POD))
        assert first["metadata"]["managedFields"] == second["metadata"]["managedFields"]
        assert first["metadata"]["managedFields"] is not second["metadata"]["managedFields"]
        assert first["metadata"]["managedFields"][0] is not second["metadata"]["managedFields"][0]


class TestUpdate:
    def test_generation_bumps_only_when_spec_changes(self, api):
        with api.write() as tx:
            created = tx.create(deployment())
        labelled = copy.deepcopy(created)
        labelled["metadata"]["labels"]["tier"] = "front"
        with api.write() as tx:
            assert tx.update(labelled)["metadata"]["generation"] == 1
        scaled = tx_get(api, "Deployment", "web")
        scaled["spec"]["replicas"] = 5
        with api.write() as tx:
            assert tx.update(scaled)["metadata"]["generation"] == 2

    def test_status_writes_never_bump_generation_and_main_writes_keep_status(self, api):
        with api.write() as tx:
            created = tx.create(deployment())
        status = copy.deepcopy(created)
        status["status"] = {"replicas": 2}
        with api.write() as tx:
            after = tx.update_status(status)
        assert after["metadata"]["generation"] == 1 and after["status"] == {"replicas": 2}
        main = copy.deepcopy(after)
        main["status"] = {"replicas": 0}
        with api.write() as tx:
            assert tx.update(main)["status"] == {"replicas": 2}

    def test_a_stale_resource_version_is_a_conflict(self, api):
        with api.write() as tx:
            created = tx.create(configmap(a="1"))
        first = copy.deepcopy(created)
        first["data"] = {"a": "2"}
        with api.write() as tx:
            tx.update(first)
        stale = copy.deepcopy(created)
        stale["data"] = {"a": "3"}
        with pytest.raises(errors.Conflict):
            with api.write() as tx:
                tx.update(stale)
        assert tx_get(api, "ConfigMap", "cfg")["data"] == {"a": "2"}

    def test_an_identical_write_creates_no_revision(self, api):
        with api.write() as tx:
            created = tx.create(configmap(a="1"))
        before = api.store.revision()
        with api.write() as tx:
            again = tx.update(copy.deepcopy(created))
        assert api.store.revision() == before
        assert again["metadata"]["resourceVersion"] == created["metadata"]["resourceVersion"]

    def test_selector_is_immutable(self, api):
        with api.write() as tx:
            created = tx.create(deployment())
        changed = copy.deepcopy(created)
        changed["spec"]["selector"] = {"matchLabels": {"app": "other"}}
        changed["spec"]["template"]["metadata"]["labels"] = {"app": "other"}
        with pytest.raises(errors.Invalid, match="field is immutable"):
            with api.write() as tx:
                tx.update(changed)


class TestDelete:
    def test_an_object_without_finalizers_is_removed(self, api):
        with api.write() as tx:
            tx.create(configmap())
            assert tx.delete("ConfigMap", "default", "cfg") is None
            assert tx.find("ConfigMap", "default", "cfg") is None

    def test_finalizers_hold_the_object_until_removed(self, api):
        obj = configmap()
        obj["metadata"]["finalizers"] = ["example.com/hold"]
        with api.write() as tx:
            tx.create(obj)
            held = tx.delete("ConfigMap", "default", "cfg")
        assert held["metadata"]["deletionTimestamp"] == "2023-11-14T22:13:20Z"
        released = copy.deepcopy(held)
        released["metadata"]["finalizers"] = []
        with api.write() as tx:
            assert tx.update(released) is None
            assert tx.find("ConfigMap", "default", "cfg") is None

    @pytest.mark.parametrize("propagation,finalizer", [("Orphan", "orphan"), ("Foreground", "foregroundDeletion")],
                             ids=["orphan", "foreground"])
    def test_propagation_policies_add_the_collectors_finalizer(self, api, propagation, finalizer):
        with api.write() as tx:
            tx.create(deployment())
            held = tx.delete("Deployment", "default", "web", propagation=propagation)
        assert held["metadata"]["finalizers"] == [finalizer]

    def test_no_new_finalizers_while_deleting(self, api):
        obj = configmap()
        obj["metadata"]["finalizers"] = ["a/b"]
        with api.write() as tx:
            tx.create(obj)
            held = tx.delete("ConfigMap", "default", "cfg")
        held["metadata"]["finalizers"] = ["a/b", "c/d"]
        with pytest.raises(errors.Invalid, match="no new finalizers can be added"):
            with api.write() as tx:
                tx.update(held)

    def test_deleting_a_missing_object_is_not_found(self, api):
        with pytest.raises(errors.NotFound, match='deployments.apps "x" not found'):
            with api.write() as tx:
                tx.delete("Deployment", "default", "x")

    def test_a_deleting_namespace_refuses_new_content(self, api):
        with api.write() as tx:
            tx.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "gone"}})
            tx.delete("Namespace", "", "gone")
        with pytest.raises(errors.ApiError, match="because it is being terminated"):
            with api.write() as tx:
                tx.create(deployment(namespace="gone"))


class TestDryRun:
    def test_a_server_dry_run_writes_nothing(self, api):
        before = api.store.revision()
        with api.write(dry_run=True) as tx:
            tx.create(configmap())
            assert tx.find("ConfigMap", "default", "cfg") is not None
        assert api.store.revision() == before
        with api.read() as tx:
            assert tx.find("ConfigMap", "default", "cfg") is None


def tx_get(api, kind, name, namespace="default"):
    with api.read() as tx:
        return tx.get(kind, namespace, name)


class TestBindOverTheCachedRead:
    """The scheduler's binding of a pod it read (`read`, its cache's copy): a compare-and-swap at that
    resourceVersion, the stored pod not read again, the same pod written; otherwise the stored pod decides."""

    @staticmethod
    def created(api, name="a", **spec):
        with api.write(trusted=True) as tx:
            return tx.create({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name},
                              "spec": {"containers": [{"name": "web", "image": "nginx:1.27"}], **spec}})

    def test_a_binding_writes_what_the_full_path_writes_without_decoding(self, api):
        cached = self.created(api)
        with api.write(dry_run=True, trusted=True) as tx:  # the full path, rolled back
            full = tx.bind("default", "a", cached["metadata"]["uid"], "node-1")
        snapshot = copy.deepcopy(cached)
        with api.write(trusted=True) as tx:
            before = objects.READS["objects"]
            fast = tx.bind("default", "a", cached["metadata"]["uid"], "node-1", read=cached)
            assert objects.READS["objects"] == before
        assert fast == full == tx_get(api, "Pod", "a")
        assert fast["spec"]["nodeName"] == "node-1"
        assert fast["status"]["conditions"][0]["type"] == "PodScheduled"
        assert fast["spec"]["containers"] is cached["spec"]["containers"]  # shared, not copied
        assert cached == snapshot  # the cache's copy is left as it was

    def test_a_stale_read_of_a_pod_bound_since_is_the_stored_pods_conflict(self, api):
        cached = self.created(api)
        with api.write(trusted=True) as tx:
            tx.bind("default", "a", "", "node-2")
        with pytest.raises(errors.Conflict, match='pod a is already assigned to node "node-2"'):
            with api.write(trusted=True) as tx:
                tx.bind("default", "a", "", "node-1", read=cached)
        assert tx_get(api, "Pod", "a")["spec"]["nodeName"] == "node-2"

    def test_a_read_of_a_pod_deleted_since_is_not_found(self, api):
        cached = self.created(api)
        with api.write(trusted=True) as tx:
            tx.remove("Pod", "default", "a")
        with pytest.raises(errors.NotFound):
            with api.write(trusted=True) as tx:
                tx.bind("default", "a", "", "node-1", read=cached)

    def test_a_read_of_another_uid_decides_on_the_stored_pod(self, api):
        cached = self.created(api)
        with pytest.raises(errors.NotFound):
            with api.write(trusted=True) as tx:
                tx.bind("default", "a", "another-uid", "node-1", read=cached)

    def test_a_request_reads_the_stored_pod(self, api):
        cached = self.created(api)
        with api.write() as tx:  # a client's binding: strict
            before = objects.READS["objects"]
            tx.bind("default", "a", "", "node-1", read=cached)
            assert objects.READS["objects"] == before + 1


class TestUpdateOverTheCachedRead:
    """The control plane's update of an object it read at the body's resourceVersion (`read`, its
    cache's copy): admission and managedFields start from that copy, the stored object not read again;
    the write's compare-and-swap decides whether it was still the stored one."""

    @staticmethod
    def created(api, name="web", data=None):
        with api.write(trusted=True) as tx:
            return tx.create({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name},
                              "data": data or {"a": "1"}})

    @staticmethod
    def changed(cached, **data):
        return {**cached, "data": {**cached["data"], **data}}

    def test_an_update_writes_what_the_full_path_writes_without_decoding(self, api):
        cached = self.created(api)
        with api.write(dry_run=True, trusted=True, manager="kube-controller-manager") as tx:  # rolled back
            full = tx.update(self.changed(cached, b="2"))
        snapshot = copy.deepcopy(cached)
        with api.write(trusted=True, manager="kube-controller-manager") as tx:
            before = objects.READS["objects"]
            fast = tx.update(self.changed(cached, b="2"), read=cached)
            assert objects.READS["objects"] == before
        assert fast == full == tx_get(api, "ConfigMap", "web")
        assert fast["data"] == {"a": "1", "b": "2"}
        assert [m["manager"] for m in fast["metadata"]["managedFields"]] == ["kube-controller-manager"]
        assert cached == snapshot  # the cache's copy is left as it was

    def test_a_stale_read_is_a_conflict(self, api):
        cached = self.created(api)
        with api.write(trusted=True) as tx:  # someone else writes it since
            tx.update(self.changed(cached, a="other"))
        with pytest.raises(errors.Conflict):
            with api.write(trusted=True) as tx:
                tx.update(self.changed(cached, b="2"), read=cached)
        assert tx_get(api, "ConfigMap", "web")["data"] == {"a": "other"}

    def test_a_read_of_an_object_deleted_since_is_not_found(self, api):
        cached = self.created(api)
        with api.write(trusted=True) as tx:
            tx.delete("ConfigMap", "default", "web")
        with pytest.raises(errors.NotFound):
            with api.write(trusted=True) as tx:
                tx.update(self.changed(cached, b="2"), read=cached)

    def test_a_read_at_another_version_reads_the_stored_object(self, api):
        """The body's resourceVersion is not the copy's: the stored object decides (here: it is the
        body's, so the update goes through, read from the store)."""
        cached = self.created(api)
        with api.write(trusted=True) as tx:
            newer = tx.update(self.changed(cached, a="other"))
        with api.write(trusted=True) as tx:
            before = objects.READS["objects"]
            written = tx.update(self.changed(newer, b="2"), read=cached)
            assert objects.READS["objects"] == before + 1
        assert written["data"] == {"a": "other", "b": "2"}

    def test_a_request_and_a_service_read_the_stored_object(self, api):
        cached = self.created(api)
        with api.write() as tx:  # a client's update: strict
            before = objects.READS["objects"]
            tx.update(self.changed(cached, b="2"), read=cached)
            assert objects.READS["objects"] == before + 1
        with api.write(trusted=True) as tx:
            service = tx.create({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"},
                                 "spec": {"selector": {"app": "web"}, "ports": [{"port": 80}]}})
        with api.write(trusted=True) as tx:  # its allocators decide from the stored Service
            before = objects.READS["objects"]
            tx.update({**service, "metadata": {**service["metadata"], "labels": {"x": "y"}}}, read=service)
            assert objects.READS["objects"] > before


class TestDeleteOverTheCachedRead:
    """The control plane's delete and remove of an object it read (`read`, its cache's copy):
    a compare-and-swap at that resourceVersion, the stored object not read again, the same result."""

    @staticmethod
    def pod(name):
        return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "labels": {"app": "web"}},
                "spec": {"nodeName": "node-1", "containers": [{"name": "web", "image": "nginx:1.27"}]}}

    def created(self, api, *names):
        with api.write(trusted=True) as tx:
            return [tx.create(self.pod(name)) for name in names]

    def test_a_graceful_delete_writes_what_the_full_path_writes_without_decoding(self, api):
        (cached,) = self.created(api, "a")
        with api.write(dry_run=True, trusted=True) as tx:  # the full path, rolled back
            full = tx.delete("Pod", "default", "a")
        with api.write(trusted=True) as tx:
            before = objects.READS["objects"]
            fast = tx.delete("Pod", "default", "a", read=cached)
            assert objects.READS["objects"] == before
        assert full["metadata"]["deletionGracePeriodSeconds"] == 30
        assert fast == full == tx_get(api, "Pod", "a")
        assert "deletionTimestamp" not in cached["metadata"]  # the cache's copy is left as it was

    def test_a_read_older_than_the_stored_object_takes_the_stored_one(self, api):
        (cached,) = self.created(api, "a")
        relabelled = copy.deepcopy(cached)
        relabelled["metadata"]["labels"]["tier"] = "front"
        with api.write(trusted=True) as tx:
            tx.update(relabelled)
        with api.write(trusted=True) as tx:
            held = tx.delete("Pod", "default", "a", read=cached)
        assert held["metadata"]["labels"] == {"app": "web", "tier": "front"}
        assert tx_get(api, "Pod", "a")["metadata"]["labels"] == {"app": "web", "tier": "front"}

    def test_a_precondition_other_than_the_read_version_is_checked_on_the_stored_object(self, api):
        (cached,) = self.created(api, "a")
        with pytest.raises(errors.Conflict):
            with api.write(trusted=True) as tx:
                tx.delete("Pod", "default", "a", read=cached, resource_version="1")

    def test_a_request_decides_on_the_stored_object(self, api):
        (cached,) = self.created(api, "a")
        with api.write() as tx:  # kubectl's: strict
            before = objects.READS["objects"]
            tx.delete("Pod", "default", "a", read=cached)
            assert objects.READS["objects"] == before + 1

    def test_remove_deletes_at_the_read_version_without_decoding(self, api):
        (cached,) = self.created(api, "a")
        with api.write(trusted=True) as tx:
            before = objects.READS["objects"]
            assert tx.remove("Pod", "default", "a", cached["metadata"]["uid"], read=cached) is None
            assert objects.READS["objects"] == before
            assert tx.find("Pod", "default", "a") is None

    def test_remove_over_a_stale_read_keeps_the_finalizer_written_since(self, api):
        (cached,) = self.created(api, "a")
        held = copy.deepcopy(cached)
        held["metadata"]["finalizers"] = ["example.com/hold"]
        with api.write(trusted=True) as tx:
            tx.update(held)
        with api.write(trusted=True) as tx:
            kept = tx.remove("Pod", "default", "a", cached["metadata"]["uid"], read=cached)
        assert kept["metadata"]["finalizers"] == ["example.com/hold"]
        assert kept["metadata"]["deletionGracePeriodSeconds"] == 0

    def test_remove_of_another_uid_is_not_found(self, api):
        (cached,) = self.created(api, "a")
        with pytest.raises(errors.NotFound):
            with api.write(trusted=True) as tx:
                tx.remove("Pod", "default", "a", "another-uid", read=cached)
        assert tx_get(api, "Pod", "a") is not None

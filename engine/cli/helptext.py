"""Examples for every command's --help, and whole short descriptions in the command lists.

This module does no I/O of its own: imported after every command module,
it walks the command tree once. A command whose help has no `Examples:`
section gets kubectl's examples for that verb (adapted to litekube) from
EXAMPLES; every command gets a short help that is its whole first
paragraph, because Click's default cuts it at 45 characters, mid-sentence.
A module that adds a command can write its own Examples in its docstring
(as `get` does) or add an entry here.
"""
from __future__ import annotations

import inspect

import click

__all__ = ["EXAMPLES", "apply_to"]

EXAMPLES: dict[str, str] = {
    "apply": """
# Apply the configuration in pod.json to a pod
litekube apply -f ./pod.json
# Apply the JSON passed into stdin to a pod
cat pod.json | litekube apply -f -
# Apply every manifest of a directory (Namespaces and cluster-wide kinds go first)
litekube apply -f samples/
# Check everything on the server side, write nothing
litekube apply -f samples/ --dry-run=server""",
    "create": """
# Create a pod using the data in pod.json
litekube create -f ./pod.json
# Create a pod based on the JSON passed into stdin
cat pod.json | litekube create -f -
# Create a deployment (see litekube create deployment --help)
litekube create deployment web --image=nginx""",
    "create secret": """
litekube create secret generic my-secret --from-literal=key1=supersecret
litekube create secret tls tls-secret --cert=path/to/tls.crt --key=path/to/tls.key
litekube create secret docker-registry my-secret --docker-username=u --docker-password=p""",
    "create service": """
litekube create service clusterip my-cs --tcp=5678:8080
litekube create service nodeport my-ns --tcp=5678:8080
litekube create service loadbalancer my-lbs --tcp=5678:8080""",
    "replace": """
# Replace a pod using the data in pod.json
litekube replace -f ./pod.json
# Replace a pod based on the JSON passed into stdin
cat pod.json | litekube replace -f -""",
    "describe": """
# Describe a node
litekube describe nodes node-1
# Describe a pod
litekube describe pods/nginx
# Describe pods by label name=myLabel
litekube describe pods -l name=myLabel
# Describe all deployments of namespace demo
litekube describe deployments -n demo""",
    "scale": """
# Scale a deployment named web to 3
litekube scale --replicas=3 deployment/web
# If the deployment named web's current size is 2, scale it to 3
litekube scale --current-replicas=2 --replicas=3 deployment/web
# Scale a replica set named foo to 5
litekube scale --replicas=5 rs/foo""",
    "set": """
# Set a deployment's nginx container image to nginx:1.28
litekube set image deployment/nginx nginx=nginx:1.28""",
    "set image": """
# Set a deployment's nginx container image to 'nginx:1.28', and its busybox container image to 'busybox'
litekube set image deployment/nginx busybox=busybox nginx=nginx:1.28
# Set the image of the first container of a replica set
litekube set image rs/nginx nginx=nginx:1.28""",
    "rollout": """
# Roll back to the previous deployment
litekube rollout undo deployment/abc
# Check the rollout status of a deployment
litekube rollout status deployment/abc
# See the steps of the last rolling update
litekube rollout trace deployment/abc""",
    "rollout status": """
# Watch the rollout status of a deployment
litekube rollout status deployment/nginx
# Give up after 2 minutes of cluster time
litekube rollout status deployment/nginx --timeout=2m""",
    "rollout undo": """
# Roll back to the previous deployment
litekube rollout undo deployment/abc
# Roll back to revision 3
litekube rollout undo deployment/abc --to-revision=3""",
    "rollout pause": """
# Mark the nginx deployment as paused: a change of its template starts no rollout
litekube rollout pause deployment/nginx""",
    "rollout resume": """
# Resume an already paused deployment
litekube rollout resume deployment/nginx""",
    "rollout restart": """
# Restart the pods of a deployment with a new rollout
litekube rollout restart deployment/nginx""",
    "wait": """
# Wait for the pod "busybox1" to contain the status condition of type "Ready"
litekube wait --for=condition=Ready pod/busybox1
# The default value of status condition is true; you can wait for other targets after an equal delimiter
litekube wait --for=condition=Ready=false pod/busybox1
# Wait for the pod "busybox1" to contain the status phase to be "Running"
litekube wait --for=jsonpath='{.status.phase}'=Running pod/busybox1
# Wait for the pod "busybox1" to be deleted, with a timeout of 60s
litekube delete pod/busybox1 && litekube wait --for=delete pod/busybox1 --timeout=60s""",
    "version": """
# Print the client and server versions
litekube version
# Print only the client version
litekube version --client""",
    "init": """
# A cluster of 10 nodes of 8 CPUs and 32Gi each in ci.db
litekube --db ci.db init --nodes 10 --cpu 8 --memory 32Gi""",
    "node": """
litekube node add big-node --cpu 16 --memory 64Gi --labels disktype=ssd""",
    "node add": """
# Add a node with a label and a taint
litekube node add gpu-1 --cpu 8 --labels accelerator=gpu --taints dedicated=gpu:NoSchedule""",
    "advance": """
# Let 5 minutes of cluster time pass (progress deadlines, CronJobs, node grace periods...)
litekube advance 5m""",
    "run": """
# Run the control plane on the wall clock, in its own terminal
litekube run
# ...while other commands only write and return, as against a real cluster
litekube apply -f samples/""",
    "migrate": """
# Copy the cluster in litekube.db, with its history, to a PostgreSQL database
litekube migrate --from sqlite:///litekube.db --to postgresql+psycopg://me@db.example/litekube
# ...then run every command on it
LITEKUBE_DB=postgresql+psycopg://me@db.example/litekube litekube get pods -A""",
    "fault": """
# Stop a node's kubelet: it goes NotReady and its pods are evicted later
litekube fault node-down node-2
# Crash a pod's containers once
litekube fault crash web-6c956c7598-26tjb -n demo""",
    "cordon": """
# Mark node "node-1" as unschedulable
litekube cordon node-1""",
    "uncordon": """
# Mark node "node-1" as schedulable
litekube uncordon node-1""",
    "drain": """
# Drain node "node-1", even if there are pods not managed by a controller on it
litekube drain node-1 --force
# As above, but abort if it takes longer than 5 minutes
litekube drain node-1 --force --timeout=5m""",
    "top": """
# Show metrics for all pods, then for all nodes
litekube top pod
litekube top node""",
    "top pod": """
# Show metrics for all pods in the default namespace
litekube top pod
# Show metrics for all pods in the given namespace
litekube top pod --namespace=NAMESPACE
# Show metrics for a given pod and its containers
litekube top pod POD_NAME --containers
# Show metrics for the pods defined by label name=myLabel
litekube top pod -l name=myLabel""",
    "top pods": """
# Show metrics for all pods in the default namespace
litekube top pod
# Show metrics for all pods in the given namespace
litekube top pod --namespace=NAMESPACE
# Show metrics for a given pod and its containers
litekube top pod POD_NAME --containers
# Show metrics for the pods defined by label name=myLabel
litekube top pod -l name=myLabel""",
    "top po": """
# Show metrics for all pods in the default namespace
litekube top pod
# Show metrics for all pods in the given namespace
litekube top pod --namespace=NAMESPACE
# Show metrics for a given pod and its containers
litekube top pod POD_NAME --containers
# Show metrics for the pods defined by label name=myLabel
litekube top pod -l name=myLabel""",
    "top node": """
# Show metrics for all nodes
litekube top node
# Show metrics for a given node
litekube top node NODE_NAME""",
    "top nodes": """
# Show metrics for all nodes
litekube top node
# Show metrics for a given node
litekube top node NODE_NAME""",
    "top no": """
# Show metrics for all nodes
litekube top node
# Show metrics for a given node
litekube top node NODE_NAME""",
    "autoscale": """
# Auto scale a deployment "foo", with the number of pods between 2 and 10, no target CPU utilization specified
litekube autoscale deployment foo --min=2 --max=10
# Auto scale a replica set "foo", with the number of pods between 1 and 5, target CPU utilization at 80%
litekube autoscale rs foo --max=5 --cpu-percent=80""",
    "create job": """
# Create a job
litekube create job my-job --image=busybox
# Create a job with a command
litekube create job my-job --image=busybox -- date
# Create a job from a cron job named "a-cronjob"
litekube create job test-job --from=cronjob/a-cronjob""",
    "set load": """
# The pods of deployment web share a CPU demand of 600m (the HPA sees it through top and metrics)
litekube set load deployment/web --cpu 600m""",
    "api-resources": """
litekube api-resources -o wide""",
}


def _first_paragraph(text: str) -> str:
    return " ".join(inspect.cleandoc(text).split("\n\n")[0].split())


def _walk(group: click.Group, prefix: str = ""):
    for name, command in group.commands.items():
        path = f"{prefix}{name}"
        yield path, command
        if isinstance(command, click.Group):
            yield from _walk(command, path + " ")


def apply_to(root: click.Group) -> None:
    """Give every command of `root` an Examples section and a whole short help."""
    for path, command in _walk(root):
        help_text = command.help or ""
        if "Examples:" not in help_text and path in EXAMPLES:
            lines = EXAMPLES[path].strip("\n").splitlines()
            command.help = inspect.cleandoc(help_text) + "\n\n\b\nExamples:\n" + "\n".join(f"  {ln}" for ln in lines)
        if not command.short_help and help_text:
            command.short_help = _first_paragraph(help_text)

// litekube ui: draws the JSON of /api/frame and slides over /api/steps. Plain DOM, no library.
"use strict";

const ui = {
  steps: [],          // [revision, time, type, kind, namespace, name], oldest first; index 0 is the start
  start: 0,
  approximateUntil: 0,
  live: true,         // follow new changes as they come
  playing: null,      // interval id while playing
  wanted: null,       // [revision, namespace] asked for while a frame was loading
  loading: false,
  shown: null,        // [revision, namespace] on screen
  palette: null,
};

const $ = (id) => document.getElementById(id);

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key === "color") node.style.backgroundColor = value;
    else if (key.startsWith("data-") || key === "title" || key === "role") node.setAttribute(key, String(value));
    else node[key] = value;
  }
  for (const child of children) if (child) node.append(child);
  return node;
}

async function getJSON(url) {
  const response = await fetch(url, { credentials: "same-origin", cache: "no-store" });
  if (!response.ok) throw new Error(`${response.status} ${await response.text()}`);
  return response.json();
}

function showError(error) {
  const box = $("error");
  if (!error) { box.hidden = true; return; }
  box.hidden = false;
  box.textContent = `cannot reach litekube ui: ${error.message || error}`;
}

// -- the timeline ---------------------------------------------------------------

async function pollSteps() {
  try {
    const after = ui.steps.length ? ui.steps[ui.steps.length - 1][0] : null;
    const data = await getJSON(after === null ? "/api/steps" : `/api/steps?after=${after}`);
    if (ui.palette === null) {
      ui.palette = data.palette;
      drawLegend();
    }
    if (!ui.steps.length) {
      ui.start = data.start;
      ui.approximateUntil = data.approximateUntil;
      ui.steps.push([data.start, data.startTime, "", "", "", ""]);
    }
    const grew = data.steps.length > 0;
    for (const step of data.steps) ui.steps.push(step);
    const slider = $("slider");
    slider.max = String(ui.steps.length - 1);
    if (ui.live) {
      slider.value = slider.max;
      if (grew || ui.shown === null) show();
    }
    showError(null);
  } catch (error) {
    showError(error);
  }
  setTimeout(pollSteps, 1000);
}

function position() {
  return Number($("slider").value);
}

function setPosition(index, { live = false } = {}) {
  const slider = $("slider");
  const max = Number(slider.max);
  slider.value = String(Math.max(0, Math.min(index, max)));
  ui.live = live || position() === max;
  show();
}

function show() {
  const step = ui.steps[position()];
  if (!step) return;
  $("live").classList.toggle("off", !ui.live);
  $("live").textContent = ui.live ? "live" : "replay";
  request(step[0], $("namespace").value);
}

async function request(revision, namespace) {
  if (ui.shown && ui.shown[0] === revision && ui.shown[1] === namespace) return;
  ui.wanted = [revision, namespace];
  if (ui.loading) return;   // the loop below picks the latest wish up
  ui.loading = true;
  try {
    while (ui.wanted) {
      const [rev, ns] = ui.wanted;
      ui.wanted = null;
      const query = `revision=${rev}` + (ns ? `&namespace=${encodeURIComponent(ns)}` : "");
      const frame = await getJSON(`/api/frame?${query}`);
      if (!ui.wanted) {
        draw(frame, ns);
        ui.shown = [rev, ns];
      }
    }
    showError(null);
  } catch (error) {
    showError(error);
  } finally {
    ui.loading = false;
  }
}

function describeStep(frame) {
  const index = position();
  const total = ui.steps.length - 1;
  const head = `revision ${frame.revision} \u00b7 ${frame.time} \u00b7 step ${index} of ${total}`;
  if (!frame.step) return `${head} \u00b7 the start of the kept history`;
  const [type, kind, namespace, name] = frame.step;
  return `${head} \u00b7 ${type} ${kind} ${namespace ? namespace + "/" : ""}${name}`;
}

// -- drawing ---------------------------------------------------------------------

function podChip(pod, showNamespace) {
  const label = showNamespace ? `${pod.namespace}/${pod.name}` : pod.name;
  const title = `${pod.namespace}/${pod.name}\n${pod.status} ${pod.ready}` +
    (pod.restarts ? `, ${pod.restarts} restarts` : "") + (pod.ip ? `\nIP ${pod.ip}` : "") +
    (pod.owner ? `\ncontrolled by ${pod.owner}` : "");
  return el("div", {
    class: `pod state-${pod.state}`, color: pod.color, title,
    "data-pod": `${pod.namespace}/${pod.name}`, "data-state": pod.state, "data-owner": pod.owner,
    "data-hash": pod.hash,
  }, el("span", { class: "name", text: label }), el("span", { class: "status", text: `${pod.status} ${pod.ready}` }));
}

function drawNodes(frame, showNamespace) {
  const nodes = $("nodes");
  nodes.replaceChildren();
  for (const node of frame.nodes) {
    const badges = el("div", { class: "badges" },
      el("span", { class: `badge node-${node.state}`, text: node.ready === "True" ? "Ready" : `Ready=${node.ready}` }),
      node.unschedulable ? el("span", { class: "badge warn", text: "SchedulingDisabled" }) : null,
      node.down ? el("span", { class: "badge bad", text: "kubelet down" }) : null);
    for (const taint of node.taints) badges.append(el("span", { class: "badge taint", text: taint }));
    const pods = el("div", { class: "pods" });
    for (const pod of node.pods) pods.append(podChip(pod, showNamespace));
    if (!node.pods.length) pods.append(el("span", { class: "empty", text: "no pods" }));
    nodes.append(el("div", {
      class: `node node-${node.state}`, color: node.color, "data-node": node.name, "data-state": node.state,
      "data-ready": node.ready,
    }, el("h3", { text: node.name }, el("span", { class: "address", text: node.address })), badges, pods));
  }
  const box = $("unscheduled-box");
  const waiting = $("unscheduled");
  waiting.replaceChildren(...frame.unscheduled.map((pod) => podChip(pod, showNamespace)));
  box.hidden = frame.unscheduled.length === 0;
}

function treeItem(entry, showNamespace) {
  const name = showNamespace && entry.namespace ? `${entry.namespace}/${entry.name}` : entry.name;
  const readiness = entry.ready ? entry.ready : "-";
  const label = el("div", { class: "object" },
    entry.color ? el("span", { class: "swatch", color: entry.color }) : null,
    el("span", { class: "kind", text: entry.kind }),
    el("span", { class: "obj-name", text: name }),
    el("span", { class: `ready ready-${readiness}`, text: entry.summary || readiness }));
  const item = el("li", { "data-object": `${entry.kind}/${entry.namespace}/${entry.name}` }, label);
  if (entry.children.length) {
    const list = el("ul");
    for (const child of entry.children) list.append(treeItem(child, showNamespace));
    item.append(list);
  }
  return item;
}

function drawWorkloads(frame, showNamespace) {
  const root = el("ul");
  for (const entry of frame.workloads) root.append(treeItem(entry, showNamespace));
  $("workloads").replaceChildren(frame.workloads.length ? root : el("p", { class: "empty", text: "no workloads" }));
}

function drawServices(frame, showNamespace) {
  const box = $("services");
  box.replaceChildren();
  for (const svc of frame.services) {
    const name = showNamespace ? `${svc.namespace}/${svc.name}` : svc.name;
    const endpoints = el("ul", { class: "endpoints" });
    for (const endpoint of svc.endpoints) {
      const state = endpoint.terminating ? "terminating" : endpoint.ready ? "ready" : "not-ready";
      endpoints.append(el("li", { class: `endpoint endpoint-${state}`, "data-endpoint": endpoint.pod || endpoint.addresses.join(","),
        "data-state": state },
        el("span", { text: endpoint.addresses.join(", ") }),
        endpoint.pod ? el("span", { class: "target", text: `\u2192 pod/${endpoint.pod}` }) : null,
        el("span", { class: "where", text: endpoint.node ? `on ${endpoint.node}` : "" })));
    }
    if (!svc.endpoints.length) endpoints.append(el("li", { class: "empty", text: svc.slices.length ? "no endpoints" : "no EndpointSlices" }));
    box.append(el("div", { class: "service", "data-service": `${svc.namespace}/${svc.name}` },
      el("div", { class: "object" }, el("span", { class: "kind", text: "Service" }), el("span", { class: "obj-name", text: name }),
        el("span", { class: "ready", text: `${svc.type} ${svc.clusterIP || ""} ${svc.ports}`.trim() })),
      endpoints));
  }
  for (const ing of frame.ingresses) {
    const rules = el("ul", { class: "endpoints" });
    for (const rule of ing.rules) rules.append(el("li", { text: `${rule.host}${rule.path} \u2192 service/${rule.service}` }));
    box.append(el("div", { class: "service ingress", "data-ingress": `${ing.namespace}/${ing.name}` },
      el("div", { class: "object" }, el("span", { class: "kind", text: "Ingress" }),
        el("span", { class: "obj-name", text: showNamespace ? `${ing.namespace}/${ing.name}` : ing.name })), rules));
  }
  if (!box.children.length) box.append(el("p", { class: "empty", text: "no Services" }));
}

function drawEvents(frame) {
  const list = $("events");
  list.replaceChildren(...frame.events.map((event) => el("li", { class: `event event-${event.type}` },
    el("span", { class: "reason", text: event.reason }),
    el("span", { class: "target", text: event.object }),
    el("span", { class: "message", text: event.message }))));
  if (!frame.events.length) list.append(el("li", { class: "empty", text: "no Events yet" }));
}

function drawNamespaces(frame) {
  const select = $("namespace");
  const current = select.value;
  const have = Array.from(select.options).map((o) => o.value).slice(1).join("\n");
  if (have === frame.namespaces.join("\n")) return;
  select.replaceChildren(el("option", { value: "", text: "all namespaces" }),
    ...frame.namespaces.map((ns) => el("option", { value: ns, text: ns })));
  select.value = frame.namespaces.includes(current) ? current : "";
}

function drawLegend() {
  const legend = $("legend");
  legend.replaceChildren();
  for (const [state, color] of Object.entries(ui.palette.pods)) {
    legend.append(el("li", {}, el("span", { class: "swatch", color }), document.createTextNode(state)));
  }
}

function draw(frame, namespace) {
  const showNamespace = !namespace;
  drawNamespaces(frame);
  drawNodes(frame, showNamespace);
  drawWorkloads(frame, showNamespace);
  drawServices(frame, showNamespace);
  drawEvents(frame);
  $("counts").textContent = Object.entries(frame.counts).map(([state, n]) => `${n} ${state}`).join(" \u00b7 ");
  $("position").textContent = describeStep(frame);
  const note = $("approximate");
  note.hidden = !frame.approximate;
  note.textContent = frame.approximate
    ? `The changelog was compacted at revision ${ui.start}: until revision ${ui.approximateUntil} objects changed since may show a later version.`
    : "";
  document.body.dataset.revision = String(frame.revision);
  document.body.dataset.namespace = namespace || "";
}

// -- controls --------------------------------------------------------------------

function stopPlaying() {
  if (ui.playing !== null) clearInterval(ui.playing);
  ui.playing = null;
  $("play").textContent = "play";
  $("play").title = "Play the changes from here";
}

function play() {
  if (ui.playing !== null) { stopPlaying(); return; }
  if (position() >= Number($("slider").max)) setPosition(0);
  $("play").textContent = "pause";
  $("play").title = "Pause";
  ui.playing = setInterval(() => {
    if (position() >= Number($("slider").max)) { stopPlaying(); return; }
    setPosition(position() + 1);
  }, 300);
}

function start() {
  $("slider").addEventListener("input", () => { stopPlaying(); ui.live = position() === Number($("slider").max); show(); });
  $("first").addEventListener("click", () => { stopPlaying(); setPosition(0); });
  $("back").addEventListener("click", () => { stopPlaying(); setPosition(position() - 1); });
  $("forward").addEventListener("click", () => { stopPlaying(); setPosition(position() + 1); });
  $("last").addEventListener("click", () => { stopPlaying(); setPosition(Number($("slider").max), { live: true }); });
  $("play").addEventListener("click", play);
  $("namespace").addEventListener("change", () => show());
  pollSteps();
}

document.addEventListener("DOMContentLoaded", start);

// The page of `kg serve`: named queries into the editor, results as a table, the network view.
// Every value is shown as text (textContent), never as markup: labels may contain anything.
"use strict";

const RESULT_TYPES = "application/sparql-results+json, text/turtle;q=0.9";
let lastGraphQuery = null; // the text of the last CONSTRUCT/DESCRIBE run, for the network view

function el(id) { return document.getElementById(id); }

function setStatus(text, isError) {
  const status = el("status");
  status.textContent = text;
  status.className = isError ? "error" : "";
}

function clearResults() {
  el("results").tHead.replaceChildren();
  el("results").tBodies[0].replaceChildren();
  el("graph-text").hidden = true;
  el("graph-text").textContent = "";
}

function updateNetworkButton() {
  el("open-network").textContent = lastGraphQuery === null ? "Network of the whole graph" : "Network of this result";
}

function showTable(data) {
  const head = el("results").tHead;
  const body = el("results").tBodies[0];
  if ("boolean" in data) {
    const row = head.insertRow();
    row.appendChild(document.createElement("th")).textContent = "ask";
    body.insertRow().insertCell().textContent = String(data.boolean);
    return 1;
  }
  const vars = data.head.vars;
  const headRow = head.insertRow();
  for (const name of vars) {
    headRow.appendChild(document.createElement("th")).textContent = name;
  }
  for (const binding of data.results.bindings) {
    const row = body.insertRow();
    for (const name of vars) {
      const term = binding[name];
      row.insertCell().textContent = term === undefined ? "" : term.value;
    }
  }
  return data.results.bindings.length;
}

async function run() {
  const text = el("query-text").value;
  clearResults();
  setStatus("running…", false);
  const started = performance.now();
  let response;
  try {
    response = await fetch("/sparql", {
      method: "POST",
      headers: { "Content-Type": "application/sparql-query", "Accept": RESULT_TYPES },
      body: text,
    });
  } catch (error) {
    setStatus("the server did not answer: " + error, true);
    return;
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(2);
  const type = response.headers.get("Content-Type") || "";
  if (!response.ok) {
    setStatus(await response.text(), true);
    return;
  }
  if (type.startsWith("text/turtle")) {
    lastGraphQuery = text;
    el("graph-text").textContent = await response.text();
    el("graph-text").hidden = false;
    setStatus(`graph result in ${seconds} s`, false);
  } else {
    lastGraphQuery = null;
    const rows = showTable(await response.json());
    setStatus(`${rows} row${rows === 1 ? "" : "s"} in ${seconds} s`, false);
  }
  updateNetworkButton();
}

function openNetwork() {
  const frame = el("network");
  frame.src = lastGraphQuery === null ? "/view" : "/view?query=" + encodeURIComponent(lastGraphQuery);
  frame.hidden = false;
}

async function loadQueries() {
  const response = await fetch("/queries", { headers: { "Accept": "application/json" } });
  const queries = await response.json();
  const select = el("query-select");
  for (const query of queries) {
    const option = document.createElement("option");
    option.value = query.name;
    option.textContent = query.name;
    option.title = query.question;
    select.appendChild(option);
  }
  select.addEventListener("change", () => {
    const chosen = queries.find((q) => q.name === select.value);
    el("question").textContent = chosen ? chosen.question : "";
    if (chosen) {
      el("query-text").value = chosen.text;
    }
    lastGraphQuery = null;
    updateNetworkButton();
  });
  document.body.dataset.ready = "true";
}

el("run").addEventListener("click", run);
el("open-network").addEventListener("click", openNetwork);
loadQueries();

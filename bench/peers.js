// The Node peers of bench/peers.py: docxtemplater (+ pizzip) and Carbone (DOCX, no LibreOffice).
//
// Run by bench/peers.py, never by tests: node bench/peers.js JOB.json  →  prints one JSON object
//   {"docxtemplater": {"10": {"wall": [ms, …], "cpu": [ms, …]}, …}, "carbone": {…}}  (per document)
// JOB.json: {"docxtemplater": TEMPLATE.docx, "carbone": TEMPLATE.docx, "warmup": W,
//            "sizes": {"10": {"runs": R, "data": {…}}, …}}
// Each document is made the way each library documents it: docxtemplater loads the template zip, compiles
// and renders it, then generates a DEFLATE zip; Carbone renders the template file to a DOCX buffer.
// The modules are resolved from the bench-local folder bench/.node (installed by bench/peers.py).
"use strict";

const fs = require("fs");
const path = require("path");
const { performance } = require("perf_hooks");

const modules = path.join(__dirname, ".node", "node_modules");
const PizZip = require(path.join(modules, "pizzip"));
const Docxtemplater = require(path.join(modules, "docxtemplater"));
const carbone = require(path.join(modules, "carbone"));

function docxtemplaterRender(template, data) {
  const zip = new PizZip(template);
  const doc = new Docxtemplater(zip, { paragraphLoop: true, linebreaks: true });
  doc.render(data);
  return doc.getZip().generate({ type: "nodebuffer", compression: "DEFLATE" });
}

function carboneRender(templatePath, data) {
  return new Promise((resolve, reject) => {
    carbone.render(templatePath, data, {}, (err, result) => (err ? reject(err) : resolve(result)));
  });
}

async function timeRuns(runs, warmup, one) {
  for (let i = 0; i < warmup; i++) await one();
  const wall = [];
  const cpu = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    const used = process.cpuUsage();
    const out = await one();
    const spent = process.cpuUsage(used);
    wall.push(performance.now() - start);
    cpu.push((spent.user + spent.system) / 1000);
    if (!out || out.length < 1000) throw new Error("empty document");
  }
  return { wall, cpu };
}

async function main() {
  const job = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
  const dxTemplate = fs.readFileSync(job.docxtemplater);
  const result = { docxtemplater: {}, carbone: {} };
  for (const [size, { runs, data }] of Object.entries(job.sizes)) {
    result.docxtemplater[size] = await timeRuns(runs, job.warmup, () => docxtemplaterRender(dxTemplate, data));
    result.carbone[size] = await timeRuns(runs, job.warmup, () => carboneRender(job.carbone, data));
  }
  if (job.samples) {  // one document of each per size, for bench/peers.py to check that the rows were filled
    for (const [size, { data }] of Object.entries(job.sizes)) {
      fs.writeFileSync(`${job.samples}-docxtemplater-${size}.docx`, docxtemplaterRender(dxTemplate, data));
      fs.writeFileSync(`${job.samples}-carbone-${size}.docx`, await carboneRender(job.carbone, data));
    }
  }
  process.stdout.write(JSON.stringify(result));
  process.exit(0);  // Carbone keeps timers alive
}

main().catch((err) => {
  process.stderr.write(String(err && err.stack ? err.stack : err) + "\n");
  process.exit(1);
});

// The "bundler": writes dist/ from src/, with a constant computed by a dev dependency.
const fs = require("fs");
const ms = require("ms");

fs.mkdirSync("dist", { recursive: true });
const app = fs.readFileSync("src/app.js", "utf8").replace("__TIMEOUT__", String(ms("5m")));
fs.writeFileSync("dist/app.js", app);
fs.copyFileSync("src/index.html", "dist/index.html");
console.log("built dist/");

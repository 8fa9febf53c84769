// Answers / with a duration parsed by the one npm package it installs.
const http = require("http");
const ms = require("ms");

http
  .createServer((req, res) => {
    res.writeHead(req.url === "/" ? 200 : 404, { "Content-Type": "text/plain" });
    res.end(req.url === "/" ? `2 days = ${ms("2 days")} ms\n` : "not found\n");
  })
  .listen(3000, () => console.log("listening on 3000"));

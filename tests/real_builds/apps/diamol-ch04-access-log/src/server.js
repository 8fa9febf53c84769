// access-log: POST /access-log counts an access; GET /access-log reports the count and uptime unit.
const http = require("http");
const ms = require("ms");

let count = 0;
http
  .createServer((req, res) => {
    if (req.url === "/access-log" && req.method === "POST") {
      count += 1;
      res.writeHead(201).end();
      return;
    }
    if (req.url === "/access-log") {
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ logs: count, window: ms(60000) }) + "\n");
      return;
    }
    res.writeHead(404).end("not found\n");
  })
  .listen(80, () => console.log("access-log listening on 80"));

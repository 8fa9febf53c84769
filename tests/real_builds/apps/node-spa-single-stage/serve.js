// Serves the built files in dist/.
const http = require("http");
const fs = require("fs");
const path = require("path");

const root = path.join(__dirname, "dist");
http
  .createServer((req, res) => {
    const file = path.join(root, req.url === "/" ? "index.html" : path.normalize(req.url));
    fs.readFile(file, (err, data) => {
      if (err || !file.startsWith(root)) {
        res.writeHead(404).end("not found\n");
        return;
      }
      res.writeHead(200).end(data);
    });
  })
  .listen(8080, () => console.log("serving dist/ on 8080"));

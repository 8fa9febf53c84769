// Answers one line; the test looks at which process is PID 1.
const http = require("http");

http
  .createServer((req, res) => res.end("npm-start app\n"))
  .listen(3001, () => console.log("listening on 3001"));

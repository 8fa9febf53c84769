// web-ping: sends a request to TARGET every INTERVAL ms and logs how long it took.
// PINGS limits the number of requests (unset: forever), so a test can run it to the end.
const https = require("https");

const target = process.env.TARGET;
const method = process.env.METHOD;
const interval = parseInt(process.env.INTERVAL, 10);
const pings = process.env.PINGS === undefined ? Infinity : parseInt(process.env.PINGS, 10);

console.log(`** web-ping ** Pinging: ${target}; method: ${method}; ${interval}ms intervals`);

let sent = 0;
function ping() {
  if (sent >= pings) return;
  sent += 1;
  const started = Date.now();
  const req = https.request({ method, hostname: target, path: "/" }, (res) => {
    console.log(`Got response status: ${res.statusCode} at ${Date.now()}; duration: ${Date.now() - started}ms`);
    res.resume();
  });
  req.on("error", (err) => console.log(`Request failed: ${err.code}`));
  req.end();
  if (sent < pings) setTimeout(ping, interval);
}
ping();

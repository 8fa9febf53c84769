document.getElementById("app").textContent = "timeout __TIMEOUT__";

// Prints one line and the arguments it got.
console.log(`hello from sh -c; args=${JSON.stringify(process.argv.slice(2))}`);

// greet: prints GREETING, the --name flag, and its other arguments, so a test can see what it was given.
package main

import (
	"flag"
	"fmt"
	"os"
)

func main() {
	name := flag.String("name", "nobody", "who to greet")
	flag.Parse()
	fmt.Printf("%s, %s! args=%q\n", os.Getenv("GREETING"), *name, flag.Args())
}

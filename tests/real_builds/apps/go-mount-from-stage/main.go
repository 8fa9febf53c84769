// hello: prints the version compiled in from the static package (which the build reads through a bind mount of
// another stage) and the message of the day copied into the final image.
package main

import (
	"fmt"
	"os"

	"example.com/hello/static"
)

func main() {
	fmt.Println("version:", static.Version)
	motd, err := os.ReadFile("/etc/motd")
	if err != nil {
		fmt.Println("no motd:", err)
		os.Exit(1)
	}
	fmt.Print("motd: ", string(motd))
}

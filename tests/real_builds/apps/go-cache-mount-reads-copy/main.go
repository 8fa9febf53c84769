// greet: prints the banner linked in at build time and the message of the day copied into the image.
package main

import (
	"fmt"
	"os"
)

// banner is set by the build: -ldflags "-X main.banner=...".
var banner = "unset"

func main() {
	fmt.Println("banner:", banner)
	motd, err := os.ReadFile("/srv/motd.txt")
	if err != nil {
		fmt.Println("no motd:", err)
		os.Exit(1)
	}
	fmt.Print("motd: ", string(motd))
}

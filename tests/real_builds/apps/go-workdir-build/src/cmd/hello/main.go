// hello: built in the folder the Dockerfile's WORKDIR points at.
package main

import "fmt"

func main() {
	fmt.Println("built in WORKDIR /app/src/cmd/hello")
}

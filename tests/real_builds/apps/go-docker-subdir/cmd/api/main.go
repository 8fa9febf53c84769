// api: a Go server whose Dockerfile lives in docker/ and is built from the repository root.
package main

import (
	"fmt"
	"net/http"
	"os"
)

func main() {
	http.HandleFunc("/version", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "api v1 built from the repository root")
	})
	if err := http.ListenAndServe(":8081", nil); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

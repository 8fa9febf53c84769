// image-gallery: serves index.html and tells which APIs it would call.
package main

import (
	"fmt"
	"net/http"
	"os"
)

func main() {
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		http.ServeFile(w, r, "index.html")
	})
	http.HandleFunc("/config", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "image=%s\naccess=%s\n", os.Getenv("IMAGE_API_URL"), os.Getenv("ACCESS_API_URL"))
	})
	if err := http.ListenAndServe(":80", nil); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

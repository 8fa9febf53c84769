// The ch04 lab's web app: serves index.html from the working folder and says who it runs for.
package main

import (
	"fmt"
	"net/http"
	"os"
)

func main() {
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		page, err := os.ReadFile("index.html")
		if err != nil {
			http.Error(w, "no index.html: "+err.Error(), http.StatusInternalServerError)
			return
		}
		w.Write(page)
	})
	http.HandleFunc("/user", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "user=%s\n", os.Getenv("USER"))
	})
	if err := http.ListenAndServe(":80", nil); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

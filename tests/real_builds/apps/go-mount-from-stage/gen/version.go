// Package static holds what the build mounts from the gen stage.
package static

// Version is the release this binary reports.
const Version = "1.4.2-mounted"

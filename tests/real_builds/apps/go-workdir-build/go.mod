module example.com/workdir

go 1.19

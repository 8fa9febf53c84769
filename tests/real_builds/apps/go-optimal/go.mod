module example.com/optimal

go 1.19

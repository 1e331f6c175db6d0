module example.com/api

go 1.21

require (
	git.corp.example/team/auth v1.4.0
	golang.org/x/text v0.14.0
)

replace example.com/shared => ../shared

# classify.awk: what a support engineer would write instead of keyaudit,
# for make bench: requests of an nginx log (sample-logs/nginx.format)
# counted by client, day and a class read off the Authorization header
# and the user name (no Base64 decoding, no fingerprints, nothing
# stored).  Fields split at '"': $1 is "addr - user [time] ", $8 the
# Authorization header, $12 the X-Client-Id header.
# Usage: zcat LOG.gz | gawk -f classify.awk
BEGIN { FS = "\"" }
{
	split($1, head, " ")
	client = $12 != "-" && $12 != "" ? $12 : head[1]
	day = substr(head[4], 2, 11)
	auth = $8
	if (auth == "-" || auth == "")
		class = head[3] != "-" ? "api_key" : "none"
	else if (auth ~ /^([Bb]asic |[Bb]earer )?(\[\]|"?[Rr][Ee][Dd][Aa][Cc][Tt][Ee][Dd]"?|\*\*\*+|xxx+)$/)
		class = "hidden"
	else if (tolower(substr(auth, 1, 6)) == "basic ")
		class = "basic"
	else if (tolower(substr(auth, 1, 7)) == "bearer ")
		class = "bearer"
	else
		class = "other"
	n[client SUBSEP day SUBSEP class]++
}
END {
	for (k in n) {
		split(k, f, SUBSEP)
		print f[1] "," f[2] "," f[3] "," n[k]
	}
}

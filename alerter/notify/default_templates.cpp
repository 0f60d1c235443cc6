// Ember's default notification templates. They are written for Ember and
// give, byte for byte, the texts Alertmanager's default templates give
// (subjects, alert lists, the Slack, PagerDuty, Discord, Teams and Telegram
// defaults); the HTML e-mail body is Ember's own, simpler layout.
#include "notify/template_set.h"

namespace ember::alerter {

std::string_view DefaultTemplatesText() {
  static constexpr std::string_view kText = R"TMPL(
{{- define "__alertmanager" -}} Alertmanager {{- end -}}

{{- define "__alertmanagerURL" -}}
  {{- printf "%s/#/alerts?receiver=%s" .ExternalURL (urlquery .Receiver) -}}
{{- end -}}

{{- /* "[FIRING:2] <group label values> (<other common label values>)" */ -}}
{{- define "__subject" -}}
  {{- "[" }}{{ toUpper .Status -}}
  {{- if eq .Status "firing" }}:{{ len .Alerts.Firing }}{{ end -}}
  {{- "] " }}{{ join " " .GroupLabels.Values }}{{ " " -}}
  {{- if lt (len .GroupLabels) (len .CommonLabels) -}}
    {{- $others := .CommonLabels.Remove .GroupLabels.Names -}}
    ({{ if $others }}{{ join " " $others.Values }}{{ end }})
  {{- end -}}
{{- end -}}

{{- define "__description" -}}{{- end -}}

{{- define "__ember_pairs_plain" -}}
  {{- range . }}{{ printf " - %s = %s\n" .Name .Value }}{{ end -}}
{{- end -}}

{{- define "__ember_pairs_markdown" -}}
  {{- range . }}{{ printf "  - %s = %s\n" .Name .Value }}{{ end -}}
{{- end -}}

{{- define "__text_alert_list" -}}
  {{- range . -}}
    {{- "Labels:\n" }}{{ template "__ember_pairs_plain" .Labels.SortedPairs -}}
    {{- "Annotations:\n" }}{{ template "__ember_pairs_plain" .Annotations.SortedPairs -}}
    {{- printf "Source: %s\n" .GeneratorURL -}}
  {{- end -}}
{{- end -}}

{{- define "__text_alert_list_markdown" -}}
  {{- range . -}}
    {{- "\nLabels:\n" }}{{ template "__ember_pairs_markdown" .Labels.SortedPairs -}}
    {{- "\nAnnotations:\n" }}{{ template "__ember_pairs_markdown" .Annotations.SortedPairs -}}
    {{- printf "\nSource: %s\n" .GeneratorURL -}}
  {{- end -}}
  {{- "\n" -}}
{{- end -}}

{{- /* The firing and resolved sections of chat messages: .D the data, .H the heading prefix, .M markdown lists. */ -}}
{{- define "__ember_sections" -}}
  {{- "\n" -}}
  {{- with .D.Alerts.Firing -}}
    {{- printf "\n%sAlerts Firing:\n" $.H -}}
    {{- if $.M }}{{ template "__text_alert_list_markdown" . }}{{ else }}{{ template "__text_alert_list" . }}{{ end -}}
    {{- "\n" -}}
  {{- end -}}
  {{- "\n" -}}
  {{- with .D.Alerts.Resolved -}}
    {{- printf "\n%sAlerts Resolved:\n" $.H -}}
    {{- if $.M }}{{ template "__text_alert_list_markdown" . }}{{ else }}{{ template "__text_alert_list" . }}{{ end -}}
    {{- "\n" -}}
  {{- end -}}
  {{- "\n" -}}
{{- end -}}

{{- define "__ember_status_color" -}}
  {{- if eq .Status "firing" }}danger{{ else }}good{{ end -}}
{{- end -}}

{{- define "slack.default.title" }}{{ template "__subject" . }}{{ end -}}
{{- define "slack.default.username" }}{{ template "__alertmanager" . }}{{ end -}}
{{- define "slack.default.titlelink" }}{{ template "__alertmanagerURL" . }}{{ end -}}
{{- define "slack.default.fallback" -}}
  {{- template "slack.default.title" . }} | {{ template "slack.default.titlelink" . -}}
{{- end -}}
{{- define "slack.default.color" }}{{ template "__ember_status_color" . }}{{ end -}}
{{- define "slack.default.callbackid" }}{{ end -}}
{{- define "slack.default.pretext" }}{{ end -}}
{{- define "slack.default.iconemoji" }}{{ end -}}
{{- define "slack.default.iconurl" }}{{ end -}}
{{- define "slack.default.text" }}{{ end -}}
{{- define "slack.default.footer" }}{{ end -}}

{{- define "pagerduty.default.description" }}{{ template "__subject" . }}{{ end -}}
{{- define "pagerduty.default.client" }}{{ template "__alertmanager" . }}{{ end -}}
{{- define "pagerduty.default.clientURL" }}{{ template "__alertmanagerURL" . }}{{ end -}}
{{- define "pagerduty.default.instances" }}{{ template "__text_alert_list" . }}{{ end -}}

{{- define "telegram.default.message" -}}
  {{- template "__ember_sections" (dict "D" . "H" "" "M" false) -}}
{{- end -}}

{{- define "discord.default.content" }}{{ end -}}
{{- define "discord.default.title" }}{{ template "__subject" . }}{{ end -}}
{{- define "discord.default.message" -}}
  {{- template "__ember_sections" (dict "D" . "H" "" "M" false) -}}
{{- end -}}

{{- define "msteams.default.summary" }}{{ template "__subject" . }}{{ end -}}
{{- define "msteams.default.title" }}{{ template "__subject" . }}{{ end -}}
{{- define "msteams.default.text" -}}
  {{- template "__ember_sections" (dict "D" . "H" "# " "M" true) -}}
{{- end -}}

{{- define "email.default.subject" }}{{ template "__subject" . }}{{ end -}}

{{- define "__ember_email_alerts" -}}
  {{- range . }}
<tr><td class="alert">
<p><strong>Labels</strong><br>
{{ range .Labels.SortedPairs }}{{ .Name }} = {{ .Value }}<br>
{{ end }}</p>
{{- if .Annotations }}
<p><strong>Annotations</strong><br>
{{ range .Annotations.SortedPairs }}{{ .Name }} = {{ .Value }}<br>
{{ end }}</p>
{{- end }}
<p><a href="{{ .GeneratorURL }}">Source</a></p>
</td></tr>
  {{- end -}}
{{- end -}}

{{- define "email.default.html" -}}
<!DOCTYPE html>
<html>
<head>
<meta name="viewport" content="width=device-width">
<meta http-equiv="Content-Type" content="text/html; charset=UTF-8">
<title>{{ template "__subject" . }}</title>
<style>
body { font-family: Helvetica, Arial, sans-serif; font-size: 14px; background: #f6f6f6; margin: 0; }
.box { max-width: 600px; margin: 20px auto; background: #fff; border: 1px solid #e9e9e9; border-radius: 3px; }
.banner { color: #fff; font-size: 16px; padding: 20px; text-align: center; }
.firing { background: #e6522c; } .resolved { background: #68b90f; }
td.alert { padding: 10px 20px; border-top: 1px solid #eee; }
.footer { color: #999; font-size: 12px; text-align: center; padding: 20px; }
</style>
</head>
<body>
<table class="box" width="100%" cellpadding="0" cellspacing="0">
<tr><td class="banner {{ .Status }}">
{{- $n := len .Alerts }}{{ $n }} alert{{ if gt $n 1 }}s{{ end }} for {{ range .GroupLabels.SortedPairs }} {{ .Name }}={{ .Value }}{{ end -}}
</td></tr>
<tr><td class="alert"><a href="{{ template "__alertmanagerURL" . }}">View in {{ template "__alertmanager" . }}</a></td></tr>
{{- with .Alerts.Firing }}
<tr><td class="alert"><strong>[{{ len . }}] Firing</strong></td></tr>
{{- template "__ember_email_alerts" . }}
{{- end }}
{{- with .Alerts.Resolved }}
<tr><td class="alert"><strong>[{{ len . }}] Resolved</strong></td></tr>
{{- template "__ember_email_alerts" . }}
{{- end }}
</table>
<div class="footer"><a href="{{ .ExternalURL }}">Sent by {{ template "__alertmanager" . }}</a></div>
</body>
</html>
{{ end -}}
)TMPL";
  return kText;
}

}  // namespace ember::alerter

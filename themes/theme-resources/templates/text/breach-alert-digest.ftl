<#ftl output_format="plainText">
${msg("breachAlertDigestIntro", realmLabel, when)}

<#if incidents?size == 0>
${msg("breachAlertDigestNoIncidents")}

<#else>
<#if incidents?size != openIncidents?number>
${msg("breachAlertDigestShown", incidents?size, openIncidents)}

</#if>
<#list incidents as i>
${msg("breachAlertDigestIncident", i.title, i.key, i.since)}
- ${msg("breachAlertDigestNow", i.flagged, i.steppedUp, i.remediated, i.dismissed, i.remediatedPercent)}
- ${msg("breachAlertDigestDay", i.newFlagged, i.newSteppedUp, i.newRemediated, i.newDismissed)}
- ${msg("breachAlertDigestJobs", i.jobsSucceeded, i.jobsFailed, i.jobsRunning)}

</#list>
</#if>
${msg("breachAlertDigestReports", reports)}

<#if deliveries?size gt 0>
${msg("breachAlertDigestDeliveries")}
<#list deliveries as d>
- ${msg("breachAlertOutbox." + d.outbox)}: ${d.count}
</#list>

</#if>
<#if gaps?size gt 0>
${msg("breachAlertDigestGaps")}
<#list gaps as g>
- ${g.path}: ${msg("breachAlertGapLine", g.refused, g.lastSeen)}
</#list>

</#if>
${msg("breachAlertFooter", realmLabel)}

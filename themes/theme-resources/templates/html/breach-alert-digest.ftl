<#import "template.ftl" as layout>
<@layout.emailLayout>
<p>${msg("breachAlertDigestIntro", realmLabel, when)}</p>
<#if incidents?size == 0>
<p>${msg("breachAlertDigestNoIncidents")}</p>
<#else>
<#if incidents?size != openIncidents?number><p>${msg("breachAlertDigestShown", incidents?size, openIncidents)}</p></#if>
<#list incidents as i>
<h3>${msg("breachAlertDigestIncident", i.title, i.key, i.since)}</h3>
<ul>
<li>${msg("breachAlertDigestNow", i.flagged, i.steppedUp, i.remediated, i.dismissed, i.remediatedPercent)}</li>
<li>${msg("breachAlertDigestDay", i.newFlagged, i.newSteppedUp, i.newRemediated, i.newDismissed)}</li>
<li>${msg("breachAlertDigestJobs", i.jobsSucceeded, i.jobsFailed, i.jobsRunning)}</li>
</ul>
</#list>
</#if>
<p>${msg("breachAlertDigestReports", reports)}</p>
<#if deliveries?size gt 0>
<p>${msg("breachAlertDigestDeliveries")}</p>
<ul><#list deliveries as d><li>${msg("breachAlertOutbox." + d.outbox)}: ${d.count}</li></#list></ul>
</#if>
<#if gaps?size gt 0>
<p>${msg("breachAlertDigestGaps")}</p>
<ul><#list gaps as g><li><code>${g.path}</code>: ${msg("breachAlertGapLine", g.refused, g.lastSeen)}</li></#list></ul>
</#if>
<p>${msg("breachAlertFooter", realmLabel)}</p>
</@layout.emailLayout>

<#import "template.ftl" as layout>
<@layout.emailLayout>
<p>${msg("breachReportReceivedWhat", reportedUsername, reportedUserId, realmName, msg("breachReportChange." + change), when)}</p>
<p>${msg("breachReportReceivedDone", incidentId)}</p>
<#if factorsRemoved gt 0><p>${msg("breachReportReceivedFactorRemoved")}</p></#if>
</@layout.emailLayout>

<#import "template.ftl" as layout>
<@layout.emailLayout>
<p>${msg("breachAlertWhat." + kind, count, realmLabel, threshold, when)}</p>
<#if items?size gt 0>
<ul>
<#list items as item>
<#if item.path??><li><code>${item.path}</code>: ${msg("breachAlertGapLine", item.refused, item.lastSeen)}</li></#if>
<#if item.outbox??><li>${msg("breachAlertOutbox." + item.outbox)}: ${item.count}</li></#if>
</#list>
</ul>
</#if>
<p>${msg("breachAlertDo." + kind)}</p>
<p>${msg("breachAlertNext", intervalMinutes)}</p>
<p>${msg("breachAlertFooter", realmLabel)}</p>
</@layout.emailLayout>

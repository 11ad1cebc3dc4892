# The ledger API image: `mlledger serve` against an external PostgreSQL (see docker-compose.yml).
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY Directory.Build.props Directory.Packages.props MlLedger.sln ./
COPY src/ src/
RUN dotnet publish src/MlLedger.Cli -c Release -o /app --nologo
COPY policies/ /app/policies/

FROM mcr.microsoft.com/dotnet/aspnet:10.0
RUN groupadd --system mlledger && useradd --system --gid mlledger --home /var/lib/mlledger mlledger \
    && mkdir -p /var/lib/mlledger && chown mlledger:mlledger /var/lib/mlledger
COPY --from=build /app /app
USER mlledger
WORKDIR /var/lib/mlledger
# the shipped policies; mount your own directory over /app/policies (or set MLLEDGER_POLICIES)
ENV MLLEDGER_URLS=http://0.0.0.0:8080 \
    MLLEDGER_DATA_DIR=/var/lib/mlledger \
    MLLEDGER_POLICIES=/app/policies
EXPOSE 8080
VOLUME /var/lib/mlledger
ENTRYPOINT ["dotnet", "/app/mlledger.dll"]
CMD ["serve"]
